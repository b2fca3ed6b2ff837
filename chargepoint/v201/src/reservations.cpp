// H01-H04 Reservation: ReserveNow, CancelReservation and ReservationStatusUpdate. The core keeps
// the reservations (reservations.hpp); here an EVSE is turned into its connectors and the core's
// answers and endings into 2.0.1 messages.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

m::ReserveNowStatusEnumType to_v201(ReserveAnswer a) {
  switch (a) {
    case ReserveAnswer::Accepted: return m::ReserveNowStatusEnumType::Accepted;
    case ReserveAnswer::Faulted: return m::ReserveNowStatusEnumType::Faulted;
    case ReserveAnswer::Occupied: return m::ReserveNowStatusEnumType::Occupied;
    case ReserveAnswer::Rejected: return m::ReserveNowStatusEnumType::Rejected;
    case ReserveAnswer::Unavailable: return m::ReserveNowStatusEnumType::Unavailable;
  }
  return m::ReserveNowStatusEnumType::Rejected;
}

}  // namespace

// The reservation a ReserveNowRequest asks for; nullopt when it names what the station lacks.
std::optional<Reservation> Adapter::reservation_of(const m::ReserveNowRequest& req) const {
  Reservation r;
  r.id = req.id;
  r.id_tag = req.idToken.idToken.str();
  if (req.groupIdToken) r.group_id = req.groupIdToken->idToken.str();
  r.expiry = req.expiryDateTime.time();
  if (req.connectorType) r.connector_type = std::string(m::to_string(*req.connectorType));
  if (!req.evseId) return r;  // H01: any EVSE (of the connectorType, if given)
  // H01: a specific EVSE is reserved with all its connectors (of the connectorType, if given).
  const EvseInfo* evse = topology_.evse(*req.evseId);
  if (evse == nullptr) return std::nullopt;
  for (const auto& c : evse->connectors) {
    if (!r.connector_type || c.type == *r.connector_type) r.connectors.push_back(*topology_.flat(evse->id, c.id));
  }
  if (r.connectors.empty()) return std::nullopt;
  r.connector_type.reset();
  return r;
}

void Adapter::register_reservation_handlers() {
  auto& ep = client_->rpc();
  // H01 ReserveNow: the core answers (ReservationCtrlr.Enabled, NonEvseSpecific, the EVSE's
  // state); a known id replaces that reservation (H01.FR.02).
  rpc::handle<m::ReserveNowRequest>(ep, [this](const m::ReserveNowRequest& req) {
    m::ReserveNowResponse res;
    res.status = m::ReserveNowStatusEnumType::Rejected;
    // B02.FR.02: while Pending the CSMS may not make the station act for a driver.
    if (registration_ != Registration::Accepted) return res;
    const auto reservation = reservation_of(req);
    if (!reservation) {
      log::info("v201", "ReserveNow " + std::to_string(req.id) + ": no such EVSE or connector type; Rejected");
      return res;
    }
    res.status = to_v201(core_->reserve(*reservation));
    return res;
  });
  // H02 CancelReservation: Rejected when no reservation has that id.
  rpc::handle<m::CancelReservationRequest>(ep, [this](const m::CancelReservationRequest& req) {
    m::CancelReservationResponse res;
    const bool ok = registration_ == Registration::Accepted && core_->cancel_reservation(req.reservationId);
    res.status = ok ? m::CancelReservationStatusEnumType::Accepted : m::CancelReservationStatusEnumType::Rejected;
    return res;
  });
}

void Adapter::reservation_ended(std::int32_t reservation_id, ReservationEnd why) {
  // H04: an expired reservation is reported; one removed by the station (its EVSE became Faulted
  // or Unavailable) too. A used one is told by its TransactionEvent, a cancelled one by the answer.
  if (why != ReservationEnd::Expired && why != ReservationEnd::Removed) return;
  reservation_updates_.emplace_back(reservation_id, why == ReservationEnd::Expired
                                                        ? m::ReservationUpdateStatusEnumType::Expired
                                                        : m::ReservationUpdateStatusEnumType::Removed);
  send_reservation_updates();
}

void Adapter::send_reservation_updates() {
  // Kept in memory until the link is up (those ended at start, while not yet registered, among
  // them); sent one at a time, in order.
  if (sending_reservation_update_ || reservation_updates_.empty() || !online()) return;
  m::ReservationStatusUpdateRequest req;
  req.reservationId = reservation_updates_.front().first;
  req.reservationUpdateStatus = reservation_updates_.front().second;
  sending_reservation_update_ = true;
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [this, alive](rpc::Typed<m::ReservationStatusUpdateResponse>& r) {
    if (!*alive) return;
    sending_reservation_update_ = false;
    using S = rpc::CallOutcome::Status;
    if (r.status == S::Timeout || r.status == S::Disconnected) return;  // sent again when online
    if (!r.ok()) log::warn("v201", "the CSMS did not take a ReservationStatusUpdate (" + r.error_code + "); dropped");
    reservation_updates_.pop_front();
    send_reservation_updates();
  });
}

}  // namespace ocpp::cp::v201
