#include "ocpp/cp/v201/device_model_settings.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <string_view>

namespace ocpp::cp::v201 {
namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<std::int32_t>::max();
// The WebSocket client takes messages of up to 256 KiB (transport::ClientOptions): a
// BytesPerMessage above what fits in one frame would promise what the transport refuses.
constexpr std::int64_t kMostBytesPerMessage = 250000;
constexpr std::int64_t kFewestBytesPerMessage = 1024;

// A member the specification defines but this charging station cannot honour: the spec lists it
// so that a CSMS that asks for it learns why it is refused, not just that it is unknown.
std::function<std::optional<std::string>(std::string_view)> refuse_members(std::vector<std::string> unsupported) {
  return [unsupported = std::move(unsupported)](std::string_view member) -> std::optional<std::string> {
    if (std::find(unsupported.begin(), unsupported.end(), member) == unsupported.end()) return std::nullopt;
    return "'" + std::string(member) + "' is not supported by this charging station";
  };
}

// SetNetworkProfile configuration slots (B09.FR.05): 1 to kNetworkProfileSlots.
std::optional<std::string> check_slot(std::string_view item) {
  const bool digit = item.size() == 1 && item[0] >= '1' && item[0] < static_cast<char>('1' + kNetworkProfileSlots);
  if (digit) return std::nullopt;
  return "'" + std::string(item.substr(0, 20)) + "' is not a configuration slot (1 to " +
         std::to_string(kNetworkProfileSlots) + ")";
}

// 2.0.1 BasicAuthPassword is a passwordString of 16 to 40 characters. Empty is the default: no
// password set over OCPP, the configuration file's basic_auth_password applies. The reason never
// repeats the value.
std::optional<std::string> check_password(std::string_view value) {
  if (value.empty()) return std::nullopt;
  if (value.size() < kMinBasicAuthPassword || value.size() > kMaxBasicAuthPassword) {
    return "must be " + std::to_string(kMinBasicAuthPassword) + " to " + std::to_string(kMaxBasicAuthPassword) +
           " characters, got " + std::to_string(value.size());
  }
  return std::nullopt;
}

void add_transaction_specs(std::vector<SettingSpec>& s) {
  using S = SettingSpec;
  // E01-E07 (TxCtrlr): the milestones the core reports; P5 C-09/C-10 require at least one.
  // DataSigned needs signed meter values and ParkingBayOccupancy a bay sensor: neither exists.
  const std::vector<std::string> points = {"ParkingBayOccupancy", "EVConnected",     "Authorized",
                                           "DataSigned",          "PowerPathClosed", "EnergyTransfer"};
  s.push_back(S::list("tx_start_point", "PowerPathClosed", points, points.size(),
                      "The milestones of which the first one reached starts a transaction (TransactionEvent "
                      "Started): EVConnected, Authorized, PowerPathClosed or EnergyTransfer.")
                  .checked(refuse_members({"DataSigned", "ParkingBayOccupancy"})));
  s.push_back(S::list("tx_stop_point", "EVConnected,Authorized", points, points.size(),
                      "The milestones a transaction needs to go on: the first of them that no longer holds "
                      "(cable unplugged, authorization ended, ...) ends it (TransactionEvent Ended). "
                      "EVConnected, Authorized, PowerPathClosed or EnergyTransfer.")
                  .checked(refuse_members({"DataSigned", "ParkingBayOccupancy"})));
}

void add_metering_specs(std::vector<SettingSpec>& s) {
  using S = SettingSpec;
  // SampledDataCtrlr.TxStartedMeasurands is the core's tx_started_measurands.
  s.push_back(S::integer("sampled_data_tx_ended_interval_s", 0, 0, kIntMax,
                         "Seconds between the sampled values collected for the transaction's Ended event; 0: "
                         "only the readings at start and end."));
  s.push_back(S::integer("aligned_data_tx_ended_interval_s", 0, 0, kIntMax,
                         "Seconds between the clock-aligned values collected for the transaction's Ended event, "
                         "aligned to midnight; 0: none."));
}

void add_clock_and_link_specs(std::vector<SettingSpec>& s) {
  using S = SettingSpec;
  // P5 C-23: TimeSource must include Heartbeat. The pile has no NTP client, GPS, mobile network or
  // radio clock of its own.
  const std::vector<std::string> sources = {"Heartbeat", "NTP", "GPS", "RealTimeClock", "MobileNetwork",
                                            "RadioTimeTransmitter"};
  s.push_back(S::list("time_source", "Heartbeat", sources, sources.size(),
                      "Where the pile takes its time from, in order of preference: Heartbeat (the CSMS's time "
                      "in BootNotification and Heartbeat responses), RealTimeClock (the system clock as it is).")
                  .checked(refuse_members({"NTP", "GPS", "MobileNetwork", "RadioTimeTransmitter"})));
  s.push_back(S::list("network_configuration_priority", "1", {}, kNetworkProfileSlots,
                      "Network connection profiles (SetNetworkProfile configuration slots 1 to 4) in the order "
                      "they are tried after a restart or a lost connection; slot 1 is the configuration file's "
                      "csms_url until the CSMS sets it.")
                  .checked(check_slot));
  s.push_back(S::integer("network_profile_connection_attempts", 3, 1, 1000,
                         "Connection attempts with one network profile before the next one is tried."));
  // B09/B10: what SetNetworkProfile stored (JSON connectionData by slot) and the slot of the last
  // successful connection (OCPPCommCtrlr.ActiveNetworkProfile, the fallback of B10.FR.07). Hidden:
  // a profile is never logged whole.
  s.push_back(S::string("network_connection_profiles", "", 8192,
                        "The network connection profiles set by the CSMS (SetNetworkProfile), by slot.")
                  .hidden());
  s.push_back(S::integer("active_network_profile", 0, 0, kNetworkProfileSlots,
                         "The configuration slot of the last successful connection to a CSMS; 0: none yet."));
  s.push_back(S::integer("message_timeout_s", 30, 1, 600,
                         "Seconds the pile waits for the answer to a request it sent."));
}

void add_security_specs(std::vector<SettingSpec>& s) {
  using S = SettingSpec;
  // organization_name (SecurityCtrlr.OrganizationName) is the core's: 1.6 CpoName is the same value.
  s.push_back(S::string("basic_auth_password", "", kMaxBasicAuthPassword,
                        "The password of HTTP Basic authentication (security profiles 1 and 2), 16 to 40 "
                        "characters; the pile reconnects with it when it changes (A01). Empty: the "
                        "configuration file's basic_auth_password. Write-only: never logged or reported.")
                  .hidden()
                  .checked(check_password));
}

void add_message_limit_specs(std::vector<SettingSpec>& s) {
  using S = SettingSpec;
  const auto items = [&](const char* id, std::int64_t dflt, const char* what) {
    s.push_back(S::integer(id, dflt, 1, 1000, what));
  };
  const auto bytes = [&](const char* id, const char* what) {
    s.push_back(S::integer(id, 65536, kFewestBytesPerMessage, kMostBytesPerMessage, what));
  };
  items("get_variables_max_items", 50, "Most variables one GetVariables request may name.");
  bytes("get_variables_max_bytes", "Largest GetVariables request, in bytes of JSON.");
  items("set_variables_max_items", 50, "Most variables one SetVariables request may set.");
  bytes("set_variables_max_bytes", "Largest SetVariables request, in bytes of JSON.");
  items("report_max_items", 100,
        "Most entries of one GetReport request, and most variables the pile puts in one NotifyReport.");
  bytes("report_max_bytes", "Largest GetReport request, and largest NotifyReport the pile sends, in bytes of JSON.");
  bytes("send_local_list_max_bytes", "Largest local list update (SendLocalList) request, in bytes of JSON.");
}

std::vector<SettingSpec> make_specs() {
  std::vector<SettingSpec> s;
  add_transaction_specs(s);
  add_metering_specs(s);
  add_clock_and_link_specs(s);
  add_security_specs(s);
  add_message_limit_specs(s);
  return s;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> kSpecs = make_specs();
  return kSpecs;
}

std::vector<SettingSpec> all_setting_specs() {
  std::vector<SettingSpec> all = core_setting_specs();
  const auto& own = setting_specs();
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

TransactionRules transaction_rules(const Settings& settings) {
  TransactionRules rules;
  rules.station_names_transactions = true;
  rules.record_milestones = true;
  const auto points = [&settings](const char* name) {
    std::set<TxPoint> out;
    for (const auto& n : settings.get_list(name)) {
      TxPoint p{};
      if (from_string(n, p)) out.insert(p);
    }
    return out;
  };
  rules.start_points = points("tx_start_point");
  rules.stop_points = points("tx_stop_point");
  return rules;
}

}  // namespace ocpp::cp::v201
