#pragma once
// B09-B10 network connection profiles, the rules without the connection: what a SetNetworkProfile
// may hold (B09), how the profiles are kept in the settings, and which profile the pile connects
// with, attempt after attempt (B10). The adapter applies them (src/network_profiles.cpp).
//
// Slots 1 to kNetworkProfileSlots exist (the valuesList of NetworkConfigurationPriority, B09.FR.05).
// Slot 1 holds the configuration file's csms_url and security_profile until the CSMS sets slot 1.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

// Why a SetNetworkProfile is refused: statusInfo.reasonCode and additionalInfo.
struct ProfileRefusal {
  std::string reason_code;
  std::string info;
};

// What the profile is checked against: the link in use and what the pile holds.
struct ProfileContext {
  int active_slot = 0;              // the slot of the link in use now (0: none)
  int active_security_profile = 0;  // SecurityCtrlr.SecurityProfile of the link in use
  bool has_password = false;        // a Basic authentication password (profiles 1 and 2)
  bool has_client_certificate = false;  // tls.cert_file and tls.key_file (profile 3)
};

// B09.FR.01/02/04/05: nullopt when the pile can store and use the profile, else why not.
std::optional<ProfileRefusal> check_profile(const ocpp::v201::SetNetworkProfileRequest& request,
                                            const ProfileContext& context);

// The profiles set over OCPP, by slot, as the setting "network_connection_profiles" keeps them (a
// JSON object of connectionData by slot number). A value that does not parse gives no profiles.
std::map<int, ocpp::v201::NetworkConnectionProfileType> parse_profiles(std::string_view stored);
std::string serialize_profiles(const std::map<int, ocpp::v201::NetworkConnectionProfileType>& profiles);

// True for frames that must not be logged whole: a SetNetworkProfile with VPN or APN credentials,
// and anything that names BasicAuthPassword (A01). Errs on the side of withholding.
bool carries_link_secret(std::string_view frame);

// B10: which slot the pile connects with. A walk tries each slot of NetworkConfigurationPriority in
// order, NetworkProfileConnectionAttempts times each (B10.FR.03); when none connects, the slot of
// the last successful connection is tried as well if the list no longer names it (B10.FR.07); then
// the walk starts again from the top (the pile never stops trying, B10.FR.09). A walk begins at the
// first entry after a start (B10.FR.04) and, as a new plan, after a lost connection (B10.FR.03).
class ConnectionPlan {
 public:
  // `priority`: the usable slots in priority order; `last_good`: the slot of the last successful
  // connection, 0 when none; `attempts`: NetworkProfileConnectionAttempts (at least 1 is used).
  ConnectionPlan(std::vector<int> priority, int last_good, int attempts);

  int slot() const { return steps_[step_]; }
  // True while the slot tried is the fallback of B10.FR.07 rather than an entry of the priority.
  bool fallback() const { return fallback_step_ && step_ + 1 == steps_.size(); }
  // An attempt with slot() failed. True when the plan moved to another slot (or to the same slot
  // as the next step of the walk).
  bool attempt_failed();
  // Connected with slot(): it is the last successful one now. After a lost connection the adapter
  // makes a new plan (B10.FR.03), with the priority as it is then.
  void connected();
  int last_good() const { return last_good_; }

 private:
  void rebuild();

  std::vector<int> priority_;
  int last_good_ = 0;
  int attempts_ = 1;
  std::vector<int> steps_;
  bool fallback_step_ = false;
  std::size_t step_ = 0;
  int failures_ = 0;
};

}  // namespace ocpp::cp::v201
