#pragma once
// What the core needs from the world around it, as narrow interfaces: the protocol adapter (the
// link to the CSMS) and the authorization chain. The daemon wires the real ones; tests use fakes.
#include <functional>
#include <optional>
#include <string>

#include "ocpp/cp/firmware_status.hpp"
#include "ocpp/cp/reservations.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

struct AuthDecision {
  bool accepted = false;
  IdTagInfo info;
  // Accepted without the CSMS having vouched for it (offline, unknown id allowed): the CSMS's later
  // verdict in StartTransaction.conf decides (StopTransactionOnInvalidId, MaxEnergyOnInvalidId).
  bool unverified = false;
  std::string source;  // "LocalList", "Cache", "Csms", "OfflineUnknownAllowed", ...; for the log
  // 1.6 §3.5.3: the CSMS's answer disagrees with the local list entry of the id.
  bool local_list_conflict = false;
  // Accepted by the offline-code verifier: the energy the code allows, if it binds a cap.
  std::optional<double> energy_cap_wh;
  // A keypad code refused by the offline-code verifier: why, in words for the driver (the display
  // and `ocpp-cpctl enter-code`); empty otherwise.
  std::string reason;
};

class IdAuthorization {
 public:
  virtual ~IdAuthorization() = default;
  virtual void authorize(ConnectorId connector, const std::string& id, IdSource source,
                         std::function<void(const AuthDecision&)> done) = 0;
  // Every IdTagInfo the CSMS sends updates what we know of that id (1.6 §3.5.1), except for
  // keypad codes (`source`), which are single use and never cached. Returns true when the answer
  // disagrees with the local list (1.6 §3.5.3: the CSMS should hear of the LocalListConflict).
  virtual bool remember(const std::string& id_tag, const IdTagInfo& info, IdSource source = IdSource::Rfid) = 0;
  // Whether `other` may stop a transaction started by `owner` (same id or same parent, 1.6 §3.5.4).
  virtual bool may_stop(const std::string& owner, const std::string& other) = 0;
  // An authorization that ended without a transaction: a single-use keypad code is freed again.
  virtual void session_abandoned(ConnectorId connector, const std::string& id, IdSource source) {
    (void)connector;
    (void)id;
    (void)source;
  }
};

// The protocol adapter, as the core sees it.
class CsmsLink {
 public:
  virtual ~CsmsLink() = default;
  // Connected and registered (BootNotification accepted).
  virtual bool online() const = 0;
  // Whether decisions that need the CSMS are taken offline now. Not the same as !online(): a link
  // that dropped a moment ago may come back before a driver notices (the adapter's offline
  // threshold), and meanwhile an authorization waits for it.
  virtual bool acting_offline() const { return !online(); }
  // A connector's state changed (or was asked for): StatusNotification in either version, rendered
  // by the adapter, which sends it when its version's view of the state changed. Not transaction
  // data: a status that cannot be sent now is superseded by the next one. Connector 0 is the
  // station (only its availability and error mean something).
  virtual void send_status(ConnectorId connector, const ConnectorState& state, ErrorCode error,
                           const std::string& info, SystemTime at) = 0;
  // A reservation ended (reservations.hpp); 2.0.1 reports Expired and Removed (H04
  // ReservationStatusUpdate), 1.6 has no message for it (the status change tells).
  virtual void reservation_ended(std::int32_t reservation_id, ReservationEnd why) {
    (void)reservation_id;
    (void)why;
  }
  // A firmware update's status changed (firmware_update.hpp): FirmwareStatusNotification, or 1.6's
  // SignedFirmwareStatusNotification for a signed update. Not transaction data: the adapter keeps
  // the latest while offline.
  virtual void firmware_status(const FirmwareProgress& progress) { (void)progress; }
};

}  // namespace ocpp::cp
