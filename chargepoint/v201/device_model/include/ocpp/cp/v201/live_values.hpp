#pragma once
// The device-model values that no setting holds because the charge point computes them at run
// time: availability, the clock, counts kept by other blocks, the link's security profile. The
// 2.0.1 adapter implements this over the core; the device model asks each time a value is read
// or reported, so what the CSMS sees is never stale.
#include <string>

#include "ocpp/common/clock.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

class LiveValues {
 public:
  virtual ~LiveValues() = default;

  // AvailabilityState of the charging station (evse 0), an EVSE (connector 0) or a connector
  // (2.0.1 Part 1 §7 addressing). The device model derives Available (not Unavailable, i.e. not
  // Inoperative) and Problem (Faulted) from it, so that the three never disagree.
  virtual ocpp::v201::ConnectorStatusEnumType availability_state(int evse, int connector) const = 0;
  // EVSE.Power: the power the EVSE delivers now, in W (its maxLimit comes from the topology).
  virtual double power_w(int evse) const = 0;
  // ClockCtrlr.DateTime and NotifyReport generatedAt: the pile's (CSMS-corrected) wall time.
  virtual SystemTime now() const = 0;
  // LocalAuthListCtrlr.Entries: ids in the local authorization list.
  virtual int local_auth_list_entries() const = 0;
  // SmartChargingCtrlr.Entries[ChargingProfiles]: charging profiles installed. (Not pure: a
  // station without smart charging has none.)
  virtual int charging_profile_entries() const { return 0; }
  // SecurityCtrlr.SecurityProfile: the profile of the connection in use (0-3).
  virtual int security_profile() const = 0;
  // SecurityCtrlr.CertificateEntries: installed certificates (CA and the pile's own).
  virtual int certificate_entries() const = 0;
  // SecurityCtrlr.Identity: the charge point id, as the CSMS knows the pile.
  virtual std::string identity() const = 0;
};

}  // namespace ocpp::cp::v201
