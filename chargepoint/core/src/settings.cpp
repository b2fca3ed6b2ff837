#include "ocpp/cp/settings.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::cp {
namespace {

constexpr std::string_view kSettingsLog = "settings";
constexpr std::int64_t kIntMax = std::numeric_limits<std::int32_t>::max();

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string quote_value(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return out + "'";
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

// Checks `value` against `spec` and writes its canonical spelling to `out`: nullopt when valid,
// else the reason. Reasons never repeat the value of a secret setting.
std::optional<std::string> canonical(const SettingSpec& spec, std::string_view value, std::string& out) {
  switch (spec.type) {
    case SettingType::Bool: {
      const auto v = trim(value);
      if (iequals(v, "true")) {
        out = "true";
      } else if (iequals(v, "false")) {
        out = "false";
      } else {
        return quote_value(value) + " is not a boolean (true or false)";
      }
      return std::nullopt;
    }
    case SettingType::Integer: {
      auto v = trim(value);
      if (!v.empty() && v.front() == '+') v.remove_prefix(1);
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec == std::errc::invalid_argument || end != v.data() + v.size()) {
        return quote_value(value) + " is not an integer";
      }
      if (ec == std::errc::result_out_of_range) return quote_value(value) + " is out of range";
      if (n < spec.min) return std::to_string(n) + " is below the minimum " + std::to_string(spec.min);
      if (n > spec.max) return std::to_string(n) + " is above the maximum " + std::to_string(spec.max);
      out = std::to_string(n);
      return std::nullopt;
    }
    case SettingType::String: {
      if (value.size() > spec.max_length) {
        return "longer than " + std::to_string(spec.max_length) + " characters";
      }
      if (spec.check) {
        if (auto why = spec.check(value)) return why;
      }
      out = std::string(value);
      return std::nullopt;
    }
    case SettingType::List: {
      std::vector<std::string> items;
      if (!trim(value).empty()) {
        std::string_view rest = value;
        while (true) {
          const auto comma = rest.find(',');
          const auto item = trim(rest.substr(0, comma));
          if (item.empty()) return std::string("has an empty item");
          std::string member(item);
          if (!spec.allowed.empty()) {
            const auto it = std::find_if(spec.allowed.begin(), spec.allowed.end(),
                                         [&](const std::string& a) { return iequals(a, item); });
            if (it == spec.allowed.end()) {
              return quote_value(item) + " is not one of: " + join(spec.allowed, ", ");
            }
            member = *it;
          }
          if (spec.check) {
            if (auto why = spec.check(member)) return why;
          }
          if (std::find(items.begin(), items.end(), member) != items.end()) {
            return quote_value(member) + " is listed twice";
          }
          items.push_back(std::move(member));
          if (comma == std::string_view::npos) break;
          rest.remove_prefix(comma + 1);
        }
      }
      if (items.size() > spec.max_items) {
        return "has " + std::to_string(items.size()) + " items, at most " + std::to_string(spec.max_items) +
               " are allowed";
      }
      out = join(items, ",");
      return std::nullopt;
    }
  }
  return std::string("has an unknown type");
}

// 1.6 §9.1 ConnectorPhaseRotation: "<connectorId>.<rotation>", e.g. "0.RST", "1.NotApplicable".
std::optional<std::string> check_phase_rotation(std::string_view item) {
  static const std::vector<std::string_view> kRotations = {"NotApplicable", "Unknown", "RST", "RTS",
                                                           "SRT",           "STR",     "TRS", "TSR"};
  const auto dot = item.find('.');
  const auto id = item.substr(0, dot);
  const bool digits = !id.empty() && id.size() <= 4 &&
                      std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (dot == std::string_view::npos || !digits ||
      std::find(kRotations.begin(), kRotations.end(), item.substr(dot + 1)) == kRotations.end()) {
    return quote_value(item) +
           " is not <connector>.<rotation> with rotation NotApplicable, Unknown, RST, RTS, SRT, STR, TRS or TSR";
  }
  return std::nullopt;
}

// The offline-code key (docs/offline-code.md §3.2): "V:HEX", the key version and K(ID, V).
std::optional<std::string> check_key_spec(std::string_view value) {
  if (value.empty()) return std::nullopt;  // the default: no key
  std::string error;
  if (offline_code::parse_key_spec(value, &error)) return std::nullopt;
  return error;
}

std::vector<SettingSpec> make_core_specs() {
  using S = SettingSpec;
  const auto& measurands = supported_measurands();
  const auto max_measurands = measurands.size();
  std::vector<SettingSpec> s;
  // Authorization (1.6 §3.5, §9.1, §9.2; 2.0.1 AuthCtrlr, AuthCacheCtrlr, LocalAuthListCtrlr).
  s.push_back(S::boolean("local_authorize_offline", true,
                         "Offline, start a transaction for an id known to the local list or the cache."));
  s.push_back(S::boolean("local_pre_authorize", false,
                         "Online, start at once on a local list or cache hit, without waiting for Authorize."));
  s.push_back(S::boolean("allow_offline_tx_for_unknown_id", false,
                         "Offline, start a transaction for an id found neither in the local list nor the cache."));
  s.push_back(S::boolean("authorization_cache_enabled", true, "Keep the authorization cache."));
  s.push_back(S::string("master_pass_group_id", "", 36,
                        "Group id of the master pass: an id of this group stops every transaction and starts none "
                        "(empty: no master pass)."));
  s.push_back(S::boolean("authorize_remote_start", false,
                         "Authorize the id of a remote start request like a local one before starting."));
  s.push_back(S::boolean("local_auth_list_enabled", true, "Use the local authorization list."));
  s.push_back(S::integer("local_auth_list_max_entries", 1000, 1, 100000,
                         "Most ids the local authorization list holds."));
  s.push_back(S::integer("send_local_list_max_entries", 100, 1, 100000,
                         "Most ids one local list update (1.6 SendLocalList) may carry."));
  s.push_back(S::integer("authorization_cache_max_entries", 1000, 1, 100000,
                         "Most ids the authorization cache holds; beyond, the least recently used go."));
  s.push_back(S::boolean("stop_transaction_on_invalid_id", true,
                         "Stop a running transaction whose id the CSMS reports as not valid (else suspend it)."));
  s.push_back(S::integer("max_energy_on_invalid_id_wh", 0, 0, kIntMax,
                         "Energy (Wh) still delivered after the id of a transaction is found not valid."));
  // The offline charging code (DESIGN.md, docs/offline-code.md).
  s.push_back(S::boolean("offline_code_enabled", true,
                         "Accept offline charging codes typed on the keypad (once a key is provisioned)."));
  s.push_back(S::string("offline_code_key", "", 80,
                        "The pile's offline-code key as VERSION:HEX (docs/offline-code.md section 3.2); a "
                        "version must be higher than any the pile held before. Write-only: never logged or reported.")
                  .hidden()
                  .checked(check_key_spec));
  s.push_back(S::integer("offline_code_key_version", 0, 0, kIntMax,
                         "The newest offline-code key version the pile holds; 0: none (read-only)."));
  // Connectors and transactions (1.6 §9.1; 2.0.1 TxCtrlr, OCPPCommCtrlr).
  s.push_back(S::integer("connection_timeout_s", 60, 0, kIntMax,
                         "Seconds from Preparing until a transaction that never started is cancelled; 0: never."));
  s.push_back(S::boolean("stop_transaction_on_ev_side_disconnect", true,
                         "Stop the transaction when the cable is unplugged on the EV side (else suspend it)."));
  s.push_back(S::boolean("unlock_connector_on_ev_side_disconnect", true,
                         "Unlock the connector when the cable is unplugged on the EV side."));
  s.push_back(S::integer("minimum_status_duration_s", 0, 0, kIntMax,
                         "Seconds a connector status must last before it is reported; 0: report at once."));
  s.push_back(S::integer("reset_retries", 1, 0, 100, "Times to retry a reset that did not succeed."));
  // Reservations (1.6 §5.13 and ReserveConnectorZeroSupported; 2.0.1 ReservationCtrlr).
  s.push_back(S::boolean("reservation_enabled", true, "Accept reservations of a connector or an EVSE."));
  s.push_back(S::boolean("reservation_any_connector", false,
                         "Accept a reservation of any one connector (1.6 connector 0, 2.0.1 no EVSE): one "
                         "stays free for its id."));
  s.push_back(S::list("connector_phase_rotation", "0.Unknown", {}, 16,
                      "Phase rotation per connector, \"<connector>.<rotation>\" (RST, RTS, SRT, STR, TRS, "
                      "TSR, NotApplicable, Unknown); connector 0 is the grid connection.")
                  .checked(check_phase_rotation));
  // Metering (1.6 §9.1 MeterValue*, StopTxn*; 2.0.1 SampledDataCtrlr, AlignedDataCtrlr).
  s.push_back(S::integer("meter_value_sample_interval_s", 60, 0, kIntMax,
                         "Seconds between sampled meter values during a transaction; 0: none."));
  s.push_back(S::integer("clock_aligned_data_interval_s", 0, 0, kIntMax,
                         "Seconds between clock-aligned meter values, aligned to midnight; 0: none."));
  s.push_back(S::list("meter_values_sampled_data", "Energy.Active.Import.Register", measurands, max_measurands,
                      "Measurands sampled during a transaction."));
  s.push_back(S::list("meter_values_aligned_data", "Energy.Active.Import.Register", measurands, max_measurands,
                      "Measurands sent at each clock-aligned interval."));
  s.push_back(S::list("stop_txn_sampled_data", "", measurands, max_measurands,
                      "Sampled measurands carried in the stop message's transaction data."));
  s.push_back(S::list("stop_txn_aligned_data", "", measurands, max_measurands,
                      "Clock-aligned measurands carried in the stop message's transaction data."));
  s.push_back(S::list("tx_started_measurands", "Energy.Active.Import.Register", measurands, max_measurands,
                      "Measurands carried by the transaction's start event (2.0.1 TransactionEvent Started; "
                      "1.6 StartTransaction has only meterStart)."));
  // Smart charging (1.6 §9.4 Smart Charging profile keys; 2.0.1 SmartChargingCtrlr). What the pile
  // accepts is the integrator's to set in the configuration file; the CSMS only reads it.
  s.push_back(S::integer("nominal_voltage_v", 230, 1, 1000,
                         "Nominal phase voltage (V) that converts a limit in amperes to watts and back."));
  s.push_back(S::integer("smart_charging_max_stack_level", 8, 0, 1000,
                         "Highest stack level a charging profile may have."));
  s.push_back(S::list("smart_charging_rate_units", "A,W", {"A", "W"}, 2,
                      "Units a charging schedule may be given in: A (current per phase), W (power)."));
  s.push_back(S::integer("smart_charging_max_periods", 24, 1, 1000,
                         "Most periods one charging schedule may have."));
  s.push_back(S::integer("smart_charging_max_profiles", 32, 1, 1000,
                         "Most charging profiles the pile keeps installed."));
  s.push_back(S::integer("limit_change_significance_pct", 10, 0, 100,
                         "Percent by which an external limit must change before the CSMS is told (2.0.1 "
                         "NotifyChargingLimit)."));
  // Messages and transport (1.6 §4.6, §3.7, §9.1; 2.0.1 OCPPCommCtrlr, B10 back-off).
  s.push_back(S::integer("heartbeat_interval_s", 300, 0, kIntMax,
                         "Seconds of silence after which a heartbeat is sent; 0: no heartbeats."));
  s.push_back(S::integer("websocket_ping_interval_s", 60, 0, kIntMax,
                         "Seconds between WebSocket pings; 0: no pings."));
  s.push_back(S::integer("offline_threshold_s", 5, 0, 300,
                         "Seconds the CSMS may be unreachable or silent before an authorization is decided "
                         "offline: an id presented just after the link dropped waits this long for it to "
                         "return, and an Authorize is given up after this long; 0: at once, and an "
                         "Authorize waits for the call timeout."));
  s.push_back(S::integer("retry_backoff_wait_minimum_s", 5, 0, kIntMax,
                         "Seconds to wait before the first reconnect attempt, before the random part.")
                  .needs_reboot());
  s.push_back(S::integer("retry_backoff_random_range_s", 10, 0, kIntMax,
                         "Largest random number of seconds added to each reconnect wait.")
                  .needs_reboot());
  s.push_back(S::integer("retry_backoff_repeat_times", 5, 0, 20,
                         "Times the reconnect wait doubles before it stays constant.")
                  .needs_reboot());
  s.push_back(S::integer("transaction_message_attempts", 3, 1, 100,
                         "Times a transaction message is sent while the CSMS fails to process it; after "
                         "the last attempt it is kept in the store, not dropped."));
  s.push_back(S::integer("transaction_message_retry_interval_s", 60, 0, kIntMax,
                         "Seconds before the first resend of a transaction message; multiplied by the "
                         "number of earlier attempts for the later ones."));
  s.push_back(S::integer("get_configuration_max_keys", 50, 1, 1000,
                         "Most keys one configuration read (1.6 GetConfiguration) may name."));
  // Indicators (1.6 §9.1 BlinkRepeat, LightIntensity).
  s.push_back(S::integer("blink_repeat", 3, 0, 100, "Times a lamp blinks to signal something."));
  s.push_back(S::integer("light_intensity_percent", 100, 0, 100, "Brightness of the pile's lights, in percent."));
  // Certificates (1.6 Security Whitepaper, 2.0.1 A02/A03, M03-M05; ocpp/cp/certificate_store.hpp).
  // X.520 ub-organization-name: the O= of the certificate signing requests (1.6 CpoName, 2.0.1
  // SecurityCtrlr.OrganizationName).
  s.push_back(S::string("organization_name", "", 64,
                        "The organization name put in the pile's certificate signing requests."));
  s.push_back(S::integer("certificate_store_max_entries", 20, 1, 1000,
                         "Most CSMS, manufacturer, V2G and MO root certificates installed at once.")
                  .needs_reboot());
  // The schema's maxLength of CertificateSigned.certificateChain.
  s.push_back(S::integer("certificate_signed_max_chain_size", 10000, 1, 10000,
                         "Longest certificate chain (characters of PEM) a CertificateSigned may carry."));
  s.push_back(S::integer("cert_signing_wait_minimum_s", 60, 0, 86400,
                         "Seconds to wait for CertificateSigned before the signing request is sent again, "
                         "doubling each time; 0: never again."));
  s.push_back(S::integer("cert_signing_repeat_times", 3, 0, 10,
                         "Times a signing request without an answering CertificateSigned is sent again."));
  // 1.6 Security Whitepaper: SecurityProfile is the link's (the 1.6 adapter owns it); only upward.
  s.push_back(S::integer("security_profile", 0, 0, 3,
                         "The security profile of the link to the CSMS (0-3); it only goes up."));
  s.push_back(S::integer("security_profile_floor", 0, 0, 3,
                         "The highest security profile the pile has connected with after an upgrade: "
                         "the configuration file's lower one is not used any more."));
  return s;
}

}  // namespace

std::string_view to_string(SetResult r) {
  switch (r) {
    case SetResult::Accepted: return "Accepted";
    case SetResult::Rejected: return "Rejected";
    case SetResult::RebootRequired: return "RebootRequired";
    case SetResult::NotSupported: return "NotSupported";
  }
  return "?";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  if (trim(text).empty()) return items;
  while (true) {
    const auto comma = text.find(',');
    items.emplace_back(trim(text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

const std::vector<std::string>& supported_measurands() {
  // What hal::MeterReading carries. Add a measurand here when the HAL and metering supply it.
  static const std::vector<std::string> kMeasurands = {"Energy.Active.Import.Register", "Power.Active.Import",
                                                       "Current.Import", "Voltage", "SoC"};
  return kMeasurands;
}

const std::vector<SettingSpec>& core_setting_specs() {
  static const std::vector<SettingSpec> kSpecs = make_core_specs();
  return kSpecs;
}

SettingSpec SettingSpec::boolean(std::string id, bool dflt, std::string what) {
  SettingSpec s;
  s.name = std::move(id);
  s.type = SettingType::Bool;
  s.default_value = dflt ? "true" : "false";
  s.description = std::move(what);
  return s;
}

SettingSpec SettingSpec::integer(std::string id, std::int64_t dflt, std::int64_t lo, std::int64_t hi,
                                 std::string what) {
  SettingSpec s;
  s.name = std::move(id);
  s.type = SettingType::Integer;
  s.default_value = std::to_string(dflt);
  s.min = lo;
  s.max = hi;
  s.description = std::move(what);
  return s;
}

SettingSpec SettingSpec::string(std::string id, std::string dflt, std::size_t longest, std::string what) {
  SettingSpec s;
  s.name = std::move(id);
  s.type = SettingType::String;
  s.default_value = std::move(dflt);
  s.max_length = longest;
  s.description = std::move(what);
  return s;
}

SettingSpec SettingSpec::list(std::string id, std::string dflt, std::vector<std::string> members,
                              std::size_t most, std::string what) {
  SettingSpec s;
  s.name = std::move(id);
  s.type = SettingType::List;
  s.default_value = std::move(dflt);
  s.allowed = std::move(members);
  s.max_items = most;
  s.description = std::move(what);
  return s;
}

Settings::Settings(db::Database& db, std::vector<SettingSpec> specs) : db_(db), specs_(std::move(specs)) {
  values_.resize(specs_.size());
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const auto& spec = specs_[i];
    if (!index_.emplace(spec.name, i).second) {
      throw std::invalid_argument("setting " + spec.name + " is defined twice");
    }
    if (auto why = canonical(spec, spec.default_value, values_[i].value)) {
      throw std::invalid_argument("setting " + spec.name + ": default " + *why);
    }
  }
  auto rows = db_.prepare("SELECT name, value FROM settings ORDER BY name");
  while (rows.step()) {
    const auto name = rows.text(0);
    const auto i = index_of(name);
    if (i == specs_.size()) {
      log::info(kSettingsLog, "ignoring stored setting " + name + ": not known to this version");
      continue;
    }
    std::string value;
    if (auto why = canonical(specs_[i], rows.text(1), value)) {
      log::warn(kSettingsLog, "ignoring stored value of " + name + ": " + *why + "; using " +
                          (specs_[i].secret ? std::string("the default") : quote_value(values_[i].value)));
      continue;
    }
    values_[i] = Entry{std::move(value), true, std::nullopt};
  }
}

std::size_t Settings::index_of(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? specs_.size() : it->second;
}

bool Settings::has(std::string_view name) const { return index_of(name) != specs_.size(); }

const SettingSpec* Settings::spec(std::string_view name) const {
  const auto i = index_of(name);
  return i == specs_.size() ? nullptr : &specs_[i];
}

const std::string& Settings::value_of(std::string_view name, SettingType expected) const {
  const auto i = index_of(name);
  if (i == specs_.size()) throw std::out_of_range("no setting named " + std::string(name));
  if (specs_[i].type != expected) throw std::logic_error("setting " + std::string(name) + " has another type");
  return get(name);
}

const std::string& Settings::get(std::string_view name) const {
  const auto i = index_of(name);
  if (i == specs_.size()) throw std::out_of_range("no setting named " + std::string(name));
  if (values_[i].delegate) values_[i].value = values_[i].delegate->load();
  return values_[i].value;
}

bool Settings::get_bool(std::string_view name) const { return value_of(name, SettingType::Bool) == "true"; }

std::int64_t Settings::get_int(std::string_view name) const {
  return std::stoll(value_of(name, SettingType::Integer));  // canonical: always a valid integer
}

std::vector<std::string> Settings::get_list(std::string_view name) const {
  return split_list(value_of(name, SettingType::List));
}

bool Settings::is_persisted(std::string_view name) const {
  const auto i = index_of(name);
  if (i == specs_.size()) throw std::out_of_range("no setting named " + std::string(name));
  return values_[i].persisted;
}

std::optional<std::string> Settings::validate(std::string_view name, std::string_view value) const {
  const auto i = index_of(name);
  if (i == specs_.size()) return "unknown setting " + std::string(name);
  std::string ignored;
  return canonical(specs_[i], value, ignored);
}

SetResult Settings::set(std::string_view name, std::string_view value, std::string* why) {
  const auto i = index_of(name);
  if (i == specs_.size()) {
    if (why) *why = "unknown setting";
    log::warn(kSettingsLog, "cannot set " + std::string(name) + ": unknown setting");
    return SetResult::NotSupported;
  }
  const auto& spec = specs_[i];
  std::string canon;
  if (auto reason = canonical(spec, value, canon)) {
    if (why) *why = *reason;
    log::warn(kSettingsLog, "rejected " + spec.name + (spec.secret ? std::string() : " = " + quote_value(value)) + ": " +
                        *reason);
    return SetResult::Rejected;
  }
  if (values_[i].delegate) {
    if (auto refused = values_[i].delegate->store(canon)) {
      if (why) *why = *refused;
      log::warn(kSettingsLog, "rejected " + spec.name + (spec.secret ? std::string() : " = " + quote_value(value)) + ": " + *refused);
      return SetResult::Rejected;
    }
    log::info(kSettingsLog, spec.secret ? spec.name + " changed (value hidden)" : spec.name + " = " + quote_value(canon));
    for (std::size_t k = 0; k < observers_.size(); ++k) {
      const auto observer = observers_[k];
      observer(spec.name, spec.secret ? std::string() : canon);
    }
    return SetResult::Accepted;
  }
  const bool changed = canon != values_[i].value;
  if (!changed && values_[i].persisted) return SetResult::Accepted;
  try {
    // Persisted even when equal to the current value: a value set at run time wins over the
    // configuration file from now on.
    db_.prepare("INSERT OR REPLACE INTO settings(name, value) VALUES(?1, ?2)").bind(1, spec.name).bind(2, canon).run();
  } catch (const db::DbError& e) {
    if (why) *why = std::string("could not be stored: ") + e.what();
    log::error(kSettingsLog, "could not store " + spec.name + ": " + e.what());
    return SetResult::Rejected;
  }
  values_[i] = Entry{canon, true, std::nullopt};
  if (!changed) return SetResult::Accepted;
  log::info(kSettingsLog, spec.secret ? spec.name + " changed (value hidden)" : spec.name + " = " + quote_value(canon));
  // By index and by copy: an observer may register another one, which may move the vector.
  for (std::size_t k = 0; k < observers_.size(); ++k) {
    const auto observer = observers_[k];
    observer(spec.name, canon);
  }
  if (spec.reboot_required) {
    if (why) *why = "takes effect after a reboot";
    return SetResult::RebootRequired;
  }
  return SetResult::Accepted;
}

std::optional<std::string> Settings::set_initial(std::string_view name, std::string_view value) {
  const auto i = index_of(name);
  if (i == specs_.size()) return "unknown setting " + std::string(name);
  if (values_[i].delegate) return specs_[i].name + " can only be set over OCPP";
  std::string canon;
  if (auto reason = canonical(specs_[i], value, canon)) return reason;
  if (values_[i].persisted) {
    log::info(kSettingsLog, specs_[i].name + ": keeping the value set over OCPP, not the configuration file's");
  } else {
    values_[i].value = std::move(canon);
  }
  return std::nullopt;
}

void Settings::on_change(Observer observer) { observers_.push_back(std::move(observer)); }

void Settings::delegate(std::string_view name, Delegate delegate) {
  const auto i = index_of(name);
  if (i == specs_.size()) throw std::out_of_range("no setting named " + std::string(name));
  if (values_[i].persisted) {
    // A value stored before the owner took it over (an earlier version) is the owner's to import.
    log::info(kSettingsLog, specs_[i].name + ": the stored value is superseded by its owner's");
  }
  values_[i] = Entry{{}, false, std::move(delegate)};
}

}  // namespace ocpp::cp
