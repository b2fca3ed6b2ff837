#pragma once
// Reservations (1.6 §5.13 ReserveNow, §5.1 CancelReservation; 2.0.1 Part 2 H01-H04): the CSMS
// holds a connector, an EVSE, or "any one" connector for a driver's id until a moment. The core
// keeps them in SQLite with their expiry, so that a restart (or a 2.0.1 B11 reset) keeps them and
// one that expired while the pile was down is ended and reported at start.
//
// What a reservation does:
//   - A connector it holds shows Reserved: the state machine derives it from the input Reserved,
//     which only this block feeds; a fault, unavailability or a session outranks it as always.
//   - A connector it holds accepts only the reserved id, or an id whose group (1.6 parentIdTag,
//     2.0.1 groupIdToken) is the reservation's group; anyone else is refused there.
//   - It ends when its id's transaction starts (it is then used: the start event carries its id),
//     when it expires, when the CSMS cancels it, or when a connector it holds becomes Faulted or
//     Unavailable (1.6 §5.13: "terminated ... when the Charge Point or connector are set to
//     Faulted or Unavailable"; 2.0.1 reports it as Removed).
//
// A reservation of "any" connector (1.6 connectorId 0 with ReserveConnectorZeroSupported; 2.0.1
// without evseId, ReservationCtrlr.NonEvseSpecific, optionally of one connectorType) holds no
// connector by itself: the pile keeps one EVSE free for it. While there are more free EVSEs than
// such reservations anyone may take one; once they are as many, every free one shows Reserved and
// only the holders may use it (2.0.1 H01: "when the number of available EVSEs equals the number of
// reservations, the remaining available EVSEs are Reserved").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

// 1.6 ReservationStatus and 2.0.1 ReserveNowStatusEnumType have the same five values.
enum class ReserveAnswer { Accepted, Faulted, Occupied, Rejected, Unavailable };
std::string_view to_string(ReserveAnswer a);

// Why a reservation ended. 2.0.1 ReservationStatusUpdate reports Expired and Removed; a used one
// is told by its transaction, a cancelled one by the CancelReservation answer.
enum class ReservationEnd { Used, Expired, Cancelled, Removed };
std::string_view to_string(ReservationEnd e);

struct Reservation {
  std::int32_t id = 0;  // the CSMS's reservationId
  // The connectors it holds (1.6: one; 2.0.1: those of the EVSE). Empty: any one of the pile.
  std::vector<ConnectorId> connectors;
  // With no connectors: one of this type (2.0.1 connectorType, ConnectorEnumType spelling).
  std::optional<std::string> connector_type;
  std::string id_tag;
  std::optional<std::string> group_id;  // 1.6 parentIdTag, 2.0.1 groupIdToken.idToken
  SystemTime expiry{};
  bool any_connector() const { return connectors.empty(); }
};

}  // namespace ocpp::cp
