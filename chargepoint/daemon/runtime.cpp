#include "runtime.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <filesystem>

#include "control_socket.hpp"
#include "ocpp/common/clocked_loop.hpp"
#include "sd_notify.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/authorization.hpp"
#include "ocpp/cp/background_work.hpp"
#include "ocpp/cp/certificate_store.hpp"
#include "ocpp/cp/chain_authorization.hpp"
#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/curl_transfer.hpp"
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/log_upload.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"
#include "ocpp/cp/offline_code/key_ring.hpp"
#include "ocpp/cp/offline_code/pile_clocks.hpp"
#include "ocpp/cp/offline_code/pile_verifier.hpp"
#include "ocpp/cp/recent_log.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/security_log.hpp"
#include "ocpp/cp/security_monitor.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/cp/synced_clock.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/cp/v16/config_keys.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/cp/v201/initial_values.hpp"
#include "ocpp/hal/modbus/modbus_pile.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"
#include "ocpp/transport/lws_loop.hpp"
#include "ocpp/transport/url.hpp"

namespace ocpp::cp::daemon {
namespace {

bool is_v201(const Config& c) { return c.ocpp_version == ProtocolVersion::v201; }

bool parse_connector(const std::string& text, int& out) {
  try {
    std::size_t used = 0;
    out = std::stoi(text, &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

struct Pile::Parts final : ControlHandler {
  // The loop is shared (ocpp-fleet); the clock is the pile's own: the core and the hardware see the
  // loop through it, so that this pile's time sync moves this pile's time only.
  transport::LwsLoop& loop;
  SyncedClock clock;
  ClockedLoop pile_loop{loop, clock};
  Store store;
  Settings settings;
  // The hardware, by interface; `sim` is the same object when it is the simulated pile, for the
  // commands that only a simulation has (plug, fault, ...).
  std::unique_ptr<hal::Hal> hal;
  hal::sim::SimPile* sim = nullptr;
  AuthCache cache;
  LocalAuthList local_list;
  // The protocol in use (DESIGN.md principle 1): the only part of the runtime that knows it.
  std::unique_ptr<ProtocolAdapter> adapter;
  Authorizer authorizer;
  ChainAuthorization chain;
  ChargePoint core;
  SecurityEvents security_events{store.db()};
  offline_code::CodeStore code_store{store.db()};
  offline_code::KeyRing key_ring{code_store, clock};
  offline_code::PileCodeVerifier code_verifier;
  // Logs and security events (issue 13): the kept security log, where the events come from, and
  // GetDiagnostics / GetLog through libcurl off the loop.
  SecurityLog security_log{store.db()};
  SecurityMonitor security_monitor{security_events, clock};
  CurlTransfer transfer{pile_loop};
  LogUpload log_upload;
  const RecentLogFile* recent_log = nullptr;  // the process's (Runtime), none in a fleet
  // Issue 13: certificates under state_dir (CSMS roots for the TLS client, manufacturer roots for
  // firmware, the pile's own certificate and key).
  CertificateStore certificates;
  std::string driver_page_url;  // base of the QR code URLs; empty: none
  // Firmware updates (issue 13, docs/integration.md "Firmware updates"): transfers and the
  // install run off the loop; destroyed before the loop, they join their threads.
  struct PileSite;
  ThreadWork background{pile_loop};
  std::unique_ptr<PileSite> firmware_site;
  std::unique_ptr<FirmwareUpdate> firmware;
  std::unique_ptr<ControlSocket> control;
  bool resume_open_transactions = false;
  // Restarts the pile (the owner's: the daemon re-executes itself, a fleet makes a new Pile): for
  // a Reset, and for any block that needs a restart (e.g. after installing firmware). Never
  // loop.stop(): the loop may carry other piles.
  std::function<void(bool hard)> request_restart;

  static transport::ClientOptions client_options(const Config& c) {
    transport::ClientOptions o;
    o.csms_url = c.csms_url;
    o.charge_point_id = c.charge_point_id;
    o.security_profile = c.security_profile;
    o.basic_auth_password = c.basic_auth_password;
    o.ca_file = c.tls.ca_file;
    o.cert_file = c.tls.cert_file;
    o.key_file = c.tls.key_file;
    return o;
  }

  static CertificateStore::Options certificate_options(const Config& c, const Settings& s) {
    CertificateStore::Options o;
    o.state_dir = c.state_dir;
    o.max_certificates = static_cast<std::size_t>(s.get_int("certificate_store_max_entries"));
    o.base_ca_file = c.tls.ca_file;
    o.base_cert_file = c.tls.cert_file;
    o.base_key_file = c.tls.key_file;
    return o;
  }

  static hal::sim::SimOptions sim_options(const Config& c) {
    hal::sim::SimOptions o;
    o.state_file = c.hal.state_file;
    if (c.hal.start_energy_wh) o.initial_energy_wh = *c.hal.start_energy_wh;
    o.meter_speedup = c.hal.meter_speedup;
    return o;
  }

  static std::unique_ptr<hal::Hal> make_hal(EventLoop& loop, const Config& c) {
    if (c.hal.driver == HalDriver::modbus) return std::make_unique<hal::modbus::ModbusPile>(loop, c.hal.modbus);
    return std::make_unique<hal::sim::SimPile>(loop, c.connectors, sim_options(c));
  }

  // The core's settings, plus those only 2.0.1 has; `ocpp_config` by the OCPP names of the version.
  static Settings make_settings(Store& store, const Config& c) {
    Settings s(store.db(), is_v201(c) ? v201::all_setting_specs() : core_setting_specs());
    auto error = is_v201(c) ? v201::apply_initial_values(s, c.ocpp_config) : v16::apply_initial_values(s, c.ocpp_config);
    if (error) throw ConfigError("ocpp_config", *error);
    for (const auto& [setting, value] : c.smart_charging) {
      if (auto why = s.set_initial(setting, value)) {
        throw ConfigError("smart_charging", "smart_charging: " + setting + " = " + value + ": " + *why);
      }
    }
    return s;
  }

  std::unique_ptr<ProtocolAdapter> make_adapter(const Config& c) {
    const std::string model = sim != nullptr ? "SimPile" : "ModbusPile";
    if (is_v201(c)) {
      return std::make_unique<v201::Adapter>(loop, client_options(c),
                                             v201::Identity{"OcppStack", model, c.charge_point_id, OCPP_VERSION}, settings,
                                             clock, c.topology());
    }
    return std::make_unique<v16::Adapter>(loop, client_options(c),
                                          v16::Identity{"OcppStack", model, c.charge_point_id, OCPP_VERSION}, settings,
                                          clock);
  }

  // docs/offline-code.md §7, §8.1: the kernel's clocks, and the build time or the integrator's file.
  static offline_code::PileClocks pile_clocks(const Config& c) {
    try {
      return offline_code::system_pile_clocks(c.offline_code.time_floor_file);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("offline_code.time_floor_file", std::string("offline_code.time_floor_file: ") + e.what());
    }
  }

  LogSources log_sources() {
    LogSources s;
    s.daemon_log_files = [this] { return recent_log ? recent_log->files() : std::vector<std::string>{}; };
    s.status_snapshot = [this] { return status_json(); };
    return s;
  }

  static LogUploadOptions log_upload_options(const Config& c) {
    LogUploadOptions o;
    o.work_dir = (std::filesystem::path(c.state_dir) / "log" / "upload").string();
    o.name_prefix = c.charge_point_id;
    o.ca_file = c.tls.ca_file;
    return o;
  }

  Parts(transport::LwsLoop& shared_loop, const Clock& base_clock, const Config& c)
      : loop(shared_loop),
        clock(base_clock),
        store(c.database),
        settings(make_settings(store, c)),
        hal(make_hal(pile_loop, c)),
        sim(dynamic_cast<hal::sim::SimPile*>(hal.get())),
        cache(store.db(), AuthCacheOptions{static_cast<std::size_t>(settings.get_int("authorization_cache_max_entries"))}),
        local_list(store.db(),
                   LocalAuthListOptions{true, static_cast<std::size_t>(settings.get_int("local_auth_list_max_entries")),
                                        static_cast<std::size_t>(settings.get_int("send_local_list_max_entries"))}),
        adapter(make_adapter(c)),
        authorizer(local_list, cache, *adapter, clock),
        chain(authorizer, local_list, cache, settings, clock, *adapter),
        core(pile_loop, store, *hal, settings, chain, *adapter),
        code_verifier(code_store, key_ring, security_events, settings, clock, c.charge_point_id, {}, pile_clocks(c)),
        log_upload(pile_loop, transfer, security_log, log_sources(), log_upload_options(c)),
        certificates(certificate_options(c, settings)) {
    hal->set_listener(&core);
    core.set_topology(c.topology());
    adapter->bind(core, local_list, cache);
    adapter->bind_security_events(security_events);
    adapter->bind_log_upload(log_upload);
    adapter->bind_security_monitor(security_monitor);
    clock.on_moved([this](std::chrono::milliseconds by) { security_monitor.clock_moved(by); });
    if (store.moved_aside() && security_log.count() == 0) {
      security_monitor.security_log_cleared("the database was damaged and replaced; its security log was lost");
    }
    wire_offline_code(c);
    adapter->allow_plaintext_secrets(c.offline_code.allow_plaintext_key_provisioning);
    adapter->allow_plaintext_management(c.security.allow_plaintext_management);
    adapter->bind_certificates(certificates);
    wire_firmware(c);
    resume_open_transactions = c.resume_transactions_after_power_loss;
    core.outbox().set_limit(static_cast<std::size_t>(c.outbox_max_events));
    // Without a control socket path (ocpp-fleet's piles) the pile is driven through Pile.
    if (!c.control_socket.empty()) {
      ControlSocketOptions so;
      so.path = c.control_socket;
      control = std::make_unique<ControlSocket>(loop, so, *this);
    }
  }

  // MemoryExhaustion: the outbox counts the writes the store refused (a full disk); looked at once
  // a minute, and reported when the count grew (security_monitor.hpp).
  void watch_store() {
    security_monitor.store_failures(core.outbox().failures());
    store_watch = loop.schedule_after(std::chrono::minutes(1), [this] { watch_store(); });
  }
  TimerId store_watch = 0;

  // The loop is shared: a pile that goes (a fleet restarting it) leaves no timer behind.
  ~Parts() override {
    if (store_watch != 0) loop.cancel(store_watch);
  }

  // The offline charging code (docs/offline-code.md): the key lives in the key ring, not in the
  // settings table, so that its rules hold (versions only go up, §6); OfflineCodeKey and
  // OfflineCodeKeyVersion are views of it.
  void wire_offline_code(const Config& c) {
    settings.delegate("offline_code_key",
                      {[] { return std::string(); },  // write-only
                       [this, id = c.charge_point_id](const std::string& value) -> std::optional<std::string> {
                         return key_ring.install_spec(value, id);  // §3.3: refused if made for another id
                       }});
    settings.delegate("offline_code_key_version",
                      {[this] { return std::to_string(key_ring.newest_version()); },
                       [](const std::string&) -> std::optional<std::string> { return "read-only"; }});
    // A key in the file's ocpp_config (factory or lab provisioning) is installed once: a restart
    // with the same file finds its version already held and leaves the ring as it is.
    const auto spec = is_v201(c) ? v201::config_value(c.ocpp_config, "OfflineCodeCtrlr", "Key")
                                 : (c.ocpp_config.count("OfflineCodeKey") != 0
                                        ? std::optional<std::string>(c.ocpp_config.at("OfflineCodeKey"))
                                        : std::nullopt);
    if (spec) {
      const char* path = is_v201(c) ? "ocpp_config.OfflineCodeCtrlr.Key" : "ocpp_config.OfflineCodeKey";
      std::string error;
      auto key = ocpp::offline_code::parse_key_spec_for(*spec, c.charge_point_id, &error);
      if (!key) throw ConfigError(path, std::string(path) + ": " + error);  // §3.3: e.g. made for another id
      if (code_store.value(kReplayWindowsLost)) {
        // A salvage could not read the replay windows (store_salvage.cpp): the serials used under
        // this key are unknown, so it is not installed again; the server provisions a newer version.
        log::error("daemon", std::string(path) + " not installed: the offline-code replay windows were lost with a "
                                                "damaged database; waiting for the server to provision a newer key");
      } else if (!key_ring.held(key->version)) {
        if (auto refused = key_ring.install(*key)) throw ConfigError(path, *refused);
      }
    }
    authorizer.set_offline_code_verifier(&code_verifier);
    clock.on_sync([this] { code_verifier.clock_synced(); });
    driver_page_url = c.offline_code.driver_page_url;
    for (int n = 1; n <= c.connectors && !driver_page_url.empty(); ++n) hal->display().show_qr(n, qr_url(n, c.charge_point_id));
  }

  void wire_firmware(const Config& c);

  std::string qr_url(int connector, const std::string& charge_point_id) const {
    if (driver_page_url.empty()) return {};
    return driver_page_url + "/c/" + transport::percent_encode(charge_point_id) + "/" + std::to_string(connector);
  }

  // --- the control socket (ocpp-cpctl, or an HMI) ---
  void handle(const std::string& command, const std::vector<std::string>& args,
              std::function<void(ControlReply)> done) override {
    if (command == "status") {
      done(ControlReply::success(status_json()));
      return;
    }
    if (command == "tamper") {
      // The simulated pile has no tamper input; an HMI or a lid switch script reports it here.
      security_monitor.tamper("reported through the control socket");
      done(ControlReply::success());
      return;
    }
    int n = 0;
    if (args.empty() || !parse_connector(args[0], n)) {
      done(ControlReply::refused(command + ": the first argument must be a connector number"));
      return;
    }
    auto simple = [&done](const std::string& error) {
      done(error.empty() ? ControlReply::success() : ControlReply::refused(error));
    };
    const bool sim_only = command == "plug" || command == "unplug" || command == "ev" || command == "set-power" ||
                          command == "fault" || command == "clear-fault";
    if (sim_only && sim == nullptr) {
      // The cable, the EV and faults are the hardware's to tell on a real pile.
      return simple(command + ": not available with the modbus driver (it acts on the simulated pile)");
    }
    if (command == "plug") return simple(sim->plug(n));
    if (command == "unplug") return simple(sim->unplug(n));
    if (command == "ev" && args.size() == 2 && args[1] == "charge") return simple(sim->ev_charge(n));
    if (command == "ev" && args.size() == 2 && args[1] == "suspend") return simple(sim->ev_suspend(n));
    if (command == "set-power" && args.size() == 2) {
      try {
        return simple(sim->set_power(n, std::stod(args[1])));
      } catch (const std::exception&) {
        return simple("set-power: \"" + args[1] + "\" is not a number of watts");
      }
    }
    if (command == "fault" && args.size() == 2) return simple(sim->fault(n, args[1]));
    if (command == "clear-fault") return simple(sim->clear_fault(n));
    if ((command == "present-id" || command == "enter-code") && args.size() == 2) {
      // Through the core directly, so the answer can say whether the id was accepted.
      core.present(n, args[1], command == "present-id" ? IdSource::Rfid : IdSource::Keypad,
                   [done](bool accepted, const std::string& reason) {
                     done(accepted ? ControlReply::success() : ControlReply::refused(reason));
                   });
      return;
    }
    if (command == "external-limit" && args.size() == 2) return simple(external_limit(n, args[1]));
    if (command == "stop") {
      if (!core.valid_connector(n)) return simple("connector " + args[0] + " does not exist");
      const auto view = core.view();
      if (!view[static_cast<std::size_t>(n - 1)].transaction) return simple("connector " + args[0] + " has no transaction");
      if (sim != nullptr) return simple(sim->press_stop(n));
      core.on_stop_pressed(n);  // an HMI's stop button, beside the board's own
      return simple({});
    }
    done(ControlReply::refused("unknown command or wrong arguments: " + command));
  }

  // The reservations in force (docs/chargepoint.md "Reservations"): the connectors each holds
  // (none: any one of the pile), for whom, until when.
  template <class Writer>
  void write_reservations(Writer& w) {
    w.Key("reservations");
    w.StartArray();
    for (const auto& r : core.reservations()) {
      w.StartObject();
      w.Key("id");
      w.Int(r.id);
      w.Key("connectors");
      w.StartArray();
      for (const auto c : r.connectors) w.Int(c);
      w.EndArray();
      if (r.connector_type) {
        w.Key("connector_type");
        w.String(r.connector_type->c_str());
      }
      w.Key("id_tag");
      w.String(r.id_tag.c_str());
      w.Key("expiry");
      w.String(format_rfc3339(r.expiry).c_str());
      w.EndObject();
    }
    w.EndArray();
  }

  // `external-limit E LIMIT`: a site energy manager's limit (ChargingLimits::set_external_limit).
  std::string external_limit(int evse, const std::string& text) {
    if (text == "clear") return core.limits().set_external_limit(evse, std::nullopt).value_or("");
    ChargingLimits::ExternalLimit limit;
    limit.unit = !text.empty() && text.back() == 'W' ? RateUnit::W : RateUnit::A;
    try {
      std::size_t used = 0;
      limit.limit = std::stod(text.substr(0, text.size() - 1), &used);
      if (text.size() < 2 || used != text.size() - 1 || (text.back() != 'A' && text.back() != 'W')) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      return "external-limit: \"" + text + "\" is not amperes (16A), watts (11000W) or clear";
    }
    return core.limits().set_external_limit(evse, limit).value_or("");
  }

  // A fault's full reason as the hardware gave it (0: the pile's), "" without one. The CSMS gets
  // a short one within 1.6's 50 characters (issue 14); this is the one an integrator reads.
  std::string fault_detail(ConnectorId id, const hal::sim::PileStatus& sim_status) {
    if (sim != nullptr) {
      return id == 0 ? sim_status.fault_info : sim_status.connectors[static_cast<std::size_t>(id - 1)].fault_info;
    }
    if (const auto* modbus = dynamic_cast<const hal::modbus::ModbusPile*>(hal.get())) return modbus->fault(id).detail;
    return {};
  }

  std::string status_json() {
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    w.StartObject();
    w.Key("charge_point_id");
    w.String(adapter_id.c_str());
    w.Key("ocpp_version");
    w.String(is_v201_ ? "2.0.1" : "1.6");
    w.Key("registration");
    w.String(std::string(to_string(adapter->registration())).c_str());
    w.Key("connected");
    w.Bool(adapter->connected());
    w.Key("outbox");
    w.Uint64(core.outbox().size());
    w.Key("outbox_discarded");
    w.Uint64(core.outbox().discarded());
    w.Key("outbox_thinned");
    w.Uint64(core.outbox().thinned());
    w.Key("outbox_failures");
    w.Uint64(core.outbox().failures());
    w.Key("security_events");
    w.Int64(security_events.count());
    w.Key("certificates");  // root certificates installed (issue 13)
    w.Uint64(certificates.count());
    w.Key("offline_codes");
    w.StartObject();
    w.Key("enabled");
    w.Bool(settings.get_bool("offline_code_enabled"));
    w.Key("key_version");
    w.Uint(key_ring.newest_version());
    w.Key("clock");
    {
      const auto view = code_verifier.clock_view();
      w.String(view.state == ocpp::offline_code::ClockState::Synced     ? "synced"
               : view.state == ocpp::offline_code::ClockState::Drifting ? "drifting"
                                                                         : "untrusted");
    }
    w.EndObject();
    write_reservations(w);
    w.Key("external_limits");
    w.StartArray();
    for (int evse = 0; evse <= static_cast<int>(core.topology().evses.size()); ++evse) {
      if (const auto x = core.limits().external_limit(evse)) {
        w.StartObject();
        w.Key("evse");
        w.Int(evse);
        w.Key("limit");
        w.Double(x->limit);
        w.Key("unit");
        w.String(std::string(to_string(x->unit)).c_str());
        w.EndObject();
      }
    }
    w.EndArray();
    const auto sim_status = sim != nullptr ? sim->status() : hal::sim::PileStatus{};
    const std::string pile_detail = fault_detail(0, sim_status);
    w.Key("pile_error_info");
    w.String(pile_detail.c_str());
    w.Key("connectors");
    w.StartArray();
    for (const auto& v : core.view()) {
      w.StartObject();
      w.Key("id");
      w.Int(v.id);
      // One word for people, then the state it sums up (the same for both versions).
      w.Key("status");
      w.String(std::string(summary(v.state)).c_str());
      w.Key("availability");
      w.String(std::string(to_string(v.state.availability)).c_str());
      w.Key("charging_state");
      w.String(std::string(to_string(v.state.charging)).c_str());
      w.Key("session");
      w.String(std::string(to_string(v.state.session)).c_str());
      // Smart charging's limit for now (docs/chargepoint.md "Smart charging"): what the hardware
      // is given while the power path is closed. A DC connector's is in watts only.
      const auto limit = core.limits().limit_now(v.id);
      w.Key("limit_a");
      if (hal->connector(v.id).direct_current()) {
        w.Null();
      } else {
        w.Double(limit.amps);
      }
      w.Key("limit_w");
      w.Double(limit.watts);
      w.Key("error_code");
      w.String(std::string(to_string(v.error)).c_str());
      if (v.error != ErrorCode::NoError) {
        const std::string own = fault_detail(v.id, sim_status);
        w.Key("error_info");
        w.String((own.empty() ? pile_detail : own).c_str());
      }
      if (sim != nullptr) {
        const auto& hw = sim_status.connectors[static_cast<std::size_t>(v.id - 1)];
        w.Key("cable_plugged");
        w.Bool(hw.cable_plugged);
        w.Key("power_w");
        w.Double(hw.power_w);
        w.Key("meter_wh");
        w.Double(hw.energy_wh);
      } else {
        // A real pile: what its pilot and meter said last (null while the meter does not answer).
        auto& hw = hal->connector(v.id);
        const auto reading = hw.read_meter();
        w.Key("cable_plugged");
        w.Bool(hw.pilot() != hal::PilotState::A);
        w.Key("pilot");
        w.String(std::string(hal::to_string(hw.pilot())).c_str());
        w.Key("contactor_closed");
        w.Bool(hw.contactor_closed());
        w.Key("power_w");
        if (reading && reading->power_w) {
          w.Double(*reading->power_w);
        } else {
          w.Null();
        }
        w.Key("meter_wh");
        if (reading) {
          w.Double(reading->energy_wh);
        } else {
          w.Null();
        }
      }
      if (const auto url = qr_url(v.id, adapter_id); !url.empty()) {
        w.Key("qr_url");
        w.String(url.c_str());
      }
      w.Key("transaction");
      if (!v.transaction) {
        w.Null();
      } else {
        const auto& t = *v.transaction;
        w.StartObject();
        w.Key("id");
        w.String((t.csms_id ? *t.csms_id : "local-" + std::to_string(t.pk)).c_str());
        w.Key("local_id");
        w.Int64(t.pk);
        w.Key("id_tag");
        w.String(t.id_tag.c_str());
        w.Key("offline_code");
        w.Bool(t.offline_code);
        w.Key("energy_wh");
        w.Double(t.energy_wh);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {b.GetString(), b.GetSize()};
  }

  std::string adapter_id;
  bool is_v201_ = false;
};

// What the firmware block needs of the pile: whether a transaction runs, the connectors held
// Unavailable during an install (2.0.1 L01.FR.07), and the restart an install program asks for.
struct Pile::Parts::PileSite final : FirmwareSite {
  explicit PileSite(Parts& p) : parts(p) {}
  bool transaction_running() override {
    for (const auto& v : parts.core.view()) {
      if (v.transaction) return true;
    }
    return false;
  }
  std::vector<ConnectorId> hold_connectors() override {
    std::vector<ConnectorId> held;
    for (ConnectorId id = 1; id <= parts.core.connector_count(); ++id) {
      if (parts.core.availability(id) == Availability::Unavailable) continue;  // the CSMS's own choice stays
      if (parts.core.change_availability(id, false) != AvailabilityAnswer::Rejected) held.push_back(id);
    }
    return held;
  }
  void release_connectors(const std::vector<ConnectorId>& held) override {
    for (const auto id : held) parts.core.change_availability(id, true);
  }
  void restart() override {
    log::info("daemon", "firmware installed: restarting as the install program asked");
    if (parts.request_restart) parts.request_restart(false);  // the owner's, as for a Reset
  }
  Parts& parts;
};

void Pile::Parts::wire_firmware(const Config& c) {
  FirmwareOptions o;
  o.state_dir = c.state_dir;
  o.install_command = c.firmware.install_command;
  o.max_image_bytes = c.firmware.max_image_bytes;
  // A pile that pins its CSMS's roots (tls.ca_file) runs a private PKI: its image server too.
  o.ca_file = c.tls.ca_file;
  firmware_site = std::make_unique<PileSite>(*this);
  firmware = std::make_unique<FirmwareUpdate>(pile_loop, store.db(), transfer, background, *firmware_site, *adapter,
                                              security_events, o);
  adapter->bind_firmware(*firmware);
}

Pile::Pile(transport::LwsLoop& loop, const Clock& base_clock, const Config& config,
           std::function<void(bool hard)> on_reset) {
  try {
    parts_ = std::make_unique<Parts>(loop, base_clock, config);
    parts_->adapter_id = config.charge_point_id;
    parts_->is_v201_ = is_v201(config);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::invalid_argument& e) {
    // The transport refuses options that cannot work, naming the option.
    throw ConfigError("", e.what());
  }
  // The reset is the owner's to carry out: stopping the loop here would stop every pile on it.
  parts_->request_restart = std::move(on_reset);
  parts_->adapter->on_reset([parts = parts_.get()](bool hard) {
    parts->security_monitor.rebooting(std::string(hard ? "Hard" : "Soft") + " Reset from the CSMS");
    parts->request_restart(hard);
  });
}

Pile::~Pile() = default;

void Pile::start() {
  parts_->core.start(parts_->resume_open_transactions);
  parts_->security_monitor.started(OCPP_VERSION);
  parts_->watch_store();
  parts_->adapter->start();
  parts_->firmware->resume();  // an update cut by the restart goes on, or says how it ended
}

void Pile::shut_down() {
  parts_->security_monitor.rebooting("shut down (a stop signal)");
  parts_->core.stop_all(StopReason::Reboot);
}

void Pile::use_recent_log(const RecentLogFile* log) { parts_->recent_log = log; }

const std::string& Pile::id() const { return parts_->adapter_id; }
ChargePoint& Pile::core() { return parts_->core; }
ProtocolAdapter& Pile::adapter() { return *parts_->adapter; }
hal::sim::SimPile* Pile::sim() { return parts_->sim; }
std::string Pile::status_json() { return parts_->status_json(); }
unsigned Pile::offline_code_key_version() { return parts_->key_ring.newest_version(); }

rpc::Endpoint& Pile::rpc() {
  if (parts_->is_v201_) return static_cast<v201::Adapter&>(*parts_->adapter).rpc();
  return static_cast<v16::Adapter&>(*parts_->adapter).rpc();
}

std::string Pile::service_status() const {
  const auto& a = *parts_->adapter;
  return parts_->adapter_id + ": registration " + std::string(to_string(a.registration())) +
         (a.connected() ? ", connected to the CSMS" : ", not connected to the CSMS");
}

// The daemon's recent log under state_dir/log (recent_log.hpp), opened first so that what the
// pile logs while it starts is kept too. Without it the pile runs on, and a log upload holds the
// security log and the status only.
static std::unique_ptr<RecentLogFile> open_recent_log(const Config& c) {
  try {
    auto file = std::make_unique<RecentLogFile>((std::filesystem::path(c.state_dir) / "log").string());
    log::set_sink([f = file.get()](std::string_view line) { f->append(line); });
    return file;
  } catch (const std::exception& e) {
    log::error("daemon", std::string(e.what()) + ": the recent log is not kept on disk");
    return nullptr;
  }
}

Runtime::Runtime(const Config& config)
    : recent_log_(open_recent_log(config)), loop_(std::make_unique<transport::LwsLoop>(clock_)) {
  pile_ = std::make_unique<Pile>(*loop_, clock_, config, [this](bool hard) {
    log::info("daemon", std::string(hard ? "hard" : "soft") + " reset: restarting");
    result_ = RunResult::ResetRequested;
    loop_->stop();
  });
  pile_->use_recent_log(recent_log_.get());
}

Runtime::~Runtime() {
  // The pile goes before the loop it runs on; the log sink before the file it writes to.
  pile_.reset();
  log::set_sink(nullptr);
}

RunResult Runtime::run() {
  std::signal(SIGPIPE, SIG_IGN);
  pile_->start();
  // Under systemd (packaging/systemd): READY, watchdog pings, STATUS, STOPPING. Inert elsewhere.
  ServiceNotifier service(*loop_, read_notify_environment(), [this] { return pile_->service_status(); });
  service.start();
  loop_->stop_on_signals([&service] {
    log::info("daemon", "stopping on signal");
    service.stopping();
  });
  loop_->run();
  if (result_ == RunResult::Stopped) {
    // A clean shutdown ends running transactions (1.6 Reason Reboot); the stops are durable now
    // and reach the CSMS after the next start.
    pile_->shut_down();
  }
  return result_;
}

}  // namespace ocpp::cp::daemon
