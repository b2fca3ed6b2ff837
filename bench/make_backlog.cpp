// ocpp-make-backlog: writes a charge point database that holds a long offline period, as the pile
// itself writes it (issue 5, "A long offline period"; bench/RESULTS.md "Replay of a long offline
// backlog"). It runs the real core (ChargePoint with its connectors, transactions, metering and
// outbox, the real authorization chain, the simulated pile) on a ManualClock, with a CSMS link that
// is never up: every connector plugs, an id tag from the local list starts a transaction offline
// (1.6 §3.5.2 LocalAuthorizeOffline; 2.0.1 C13 AuthCtrlr.LocalAuthorizeOffline), the clock moves on
// by the given number of days while MeterValueSampleInterval (2.0.1 SampledDataCtrlr.TxUpdatedInterval)
// fires, then each transaction is stopped at the local stop button. Nothing is written with SQL of
// its own: every row is the core's (principle 3, the outbox stores events), so a daemon started on
// the file replays exactly what a pile would have queued.
//
// With --ocpp 2.0.1 the core runs as the 2.0.1 adapter sets it up: the 2.0.1 settings registered
// (v201::all_setting_specs()) and its TransactionRules (station-made transactionId, milestones as
// events numbered with their seqNo, TxStartPoint and TxStopPoint), so the file is the one a 2.0.1
// pile writes, and the daemon replays it as TransactionEvents.
//
// The transactions are stopped rather than left open: an open transaction would be closed by the
// daemon's power-loss rule at its start (or resumed, by configuration), which is another rule's
// test; stopped, the backlog is a fixed list of events whose every value (meterStop included) is
// known before the replay.
//
// Prints a JSON summary on standard output (the database, the version, the transactions with their
// local pk, connector, id tag, station id, meter start and stop, and the outbox's event counts).
// Exit status 0, 1 when the database cannot be written or the core did not do what was asked, 2 for
// bad arguments.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/authorization.hpp"
#include "ocpp/cp/chain_authorization.hpp"
#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"

namespace {

using namespace ocpp;
using namespace std::chrono_literals;

const char* kUsage = R"(usage: ocpp-make-backlog --output FILE [options]
Writes the charge point database (SQLite) of a pile that was offline for DAYS days with a
transaction running on every connector, by running the charge point core on a simulated clock.

  --output FILE            the database to create (refused if it exists)
  --days N                 length of the offline period in days (default 7; fractions allowed)
  --interval SECONDS       MeterValueSampleInterval (default 60)
  --connectors N           connectors, one transaction each (default 2)
  --charge-point-id ID     used in the id tags (ID-C1, ID-C2, ...) and the summary (default BACKLOG);
                           the database holds no charge point id: the daemon's configuration names it
  --sampled-data LIST      MeterValuesSampledData (default Energy.Active.Import.Register)
  --power-w W              what each simulated EV draws (default 3700)
  --start RFC3339          when the period starts (default: DAYS days before now, whole minute)
  --ocpp 1.6|2.0.1         the protocol version whose pile writes the file (default 1.6); the
                           daemon that replays it must be configured with the same ocpp_version
  --help
Prints a JSON summary on standard output.
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "ocpp-make-backlog: %s\n(see ocpp-make-backlog --help)\n", message.c_str());
  std::exit(2);
}

double number(const std::string& option, const std::string& text, double lo, double hi) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v) && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  usage_error(option + ": \"" + text + "\" is not a number in " + std::to_string(lo) + ".." + std::to_string(hi));
}

struct Options {
  std::string output;
  double days = 7;
  int interval_s = 60;
  int connectors = 2;
  std::string charge_point_id = "BACKLOG";
  std::string sampled_data = "Energy.Active.Import.Register";
  double power_w = 3700;
  std::optional<SystemTime> start;
  std::string ocpp = "1.6";
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) usage_error("unknown argument or missing value: " + arg);
    const std::string value = argv[++i];
    if (arg == "--output") {
      o.output = value;
    } else if (arg == "--days") {
      o.days = number(arg, value, 1.0 / 1440, 366);
    } else if (arg == "--interval") {
      o.interval_s = static_cast<int>(number(arg, value, 1, 86400));
    } else if (arg == "--connectors") {
      o.connectors = static_cast<int>(number(arg, value, 1, 64));
    } else if (arg == "--charge-point-id") {
      if (value.empty()) usage_error("--charge-point-id must not be empty");
      o.charge_point_id = value;
    } else if (arg == "--sampled-data") {
      o.sampled_data = value;
    } else if (arg == "--power-w") {
      o.power_w = number(arg, value, 0, 1e6);
    } else if (arg == "--ocpp") {
      if (value != "1.6" && value != "2.0.1") usage_error("--ocpp must be 1.6 or 2.0.1, got \"" + value + "\"");
      o.ocpp = value;
    } else if (arg == "--start") {
      o.start = parse_rfc3339(value);
      if (!o.start) usage_error("--start: \"" + value + "\" is not an RFC 3339 date-time");
    } else {
      usage_error("unknown argument " + arg);
    }
  }
  if (o.output.empty()) usage_error("--output FILE is required");
  // Never over an existing pile's data: the file would get a second history on top of its own.
  if (std::filesystem::exists(o.output)) usage_error("--output: " + o.output + " exists; remove it first");
  return o;
}

// The CSMS as an offline pile sees it: never reachable. Statuses are superseded while offline (the
// adapter sends the current ones on reconnect), and an Authorize cannot be asked.
class UnreachableCsms final : public cp::CsmsLink, public cp::CsmsAuthorize {
 public:
  bool online() const override { return false; }
  void send_status(cp::ConnectorId, const cp::ConnectorState&, cp::ErrorCode, const std::string&, SystemTime) override {}
  void authorize(const std::string&, std::function<void(std::optional<cp::IdTagInfo>)> done) override {
    done(std::nullopt);
  }
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "ocpp-make-backlog: %s\n", message.c_str());
  std::exit(1);
}

void require(const std::string& refused, const std::string& what) {
  if (!refused.empty()) fail(what + " was refused by the simulated pile: " + refused);
}


std::int64_t count(db::Database& db, const char* sql) {
  auto st = db.prepare(sql);
  st.step();
  return st.int64(0);
}

int run(const Options& o) {
  const SystemTime start =
      o.start ? *o.start
              : std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now()) -
                    std::chrono::duration_cast<std::chrono::minutes>(std::chrono::duration<double, std::ratio<86400>>(o.days));
  ManualClock clock(start);
  ManualEventLoop loop(clock);

  cp::Store store(o.output);
  const bool v201 = o.ocpp == "2.0.1";
  cp::Settings settings(store.db(), v201 ? cp::v201::all_setting_specs() : cp::core_setting_specs());
  // As the configuration file's ocpp_config gives them (not persisted: the file holds only what
  // the pile wrote while offline).
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"meter_value_sample_interval_s", std::to_string(o.interval_s)},
                                    {"meter_values_sampled_data", o.sampled_data}}) {
    if (auto why = settings.set_initial(name, value)) usage_error(std::string(name) + ": " + *why);
  }

  hal::sim::SimOptions sim;
  sim.initial_energy_wh = 1234567;  // a pile's register is far from 0 (absolute meter values)
  sim.default_power_w = o.power_w;
  hal::sim::SimPile pile(loop, o.connectors, sim);

  cp::AuthCache cache(store.db());
  cp::LocalAuthList list(store.db());
  // The CSMS sent its local list before the link went down (1.6 §5.15 SendLocalList).
  std::vector<cp::LocalListEntry> entries;
  for (int c = 1; c <= o.connectors; ++c) {
    cp::IdTagInfo accepted;
    accepted.status = cp::AuthorizationStatus::Accepted;
    entries.push_back({o.charge_point_id + "-C" + std::to_string(c), accepted});
  }
  if (list.apply(1, cp::LocalListUpdateType::Full, entries) != cp::LocalListUpdateStatus::Accepted) {
    fail("the local list update was refused");
  }

  UnreachableCsms csms;
  cp::Authorizer authorizer(list, cache, csms, clock);
  cp::ChainAuthorization chain(authorizer, list, cache, settings, clock, csms);
  cp::ChargePoint core(loop, store, pile, settings, chain, csms);
  if (v201) core.set_rules(cp::v201::transaction_rules(settings));  // before start(), as the daemon binds its adapter
  pile.set_listener(&core);
  core.start();
  loop.run_pending();

  // One transaction per connector, a few seconds apart, as drivers arrive.
  for (int c = 1; c <= o.connectors; ++c) {
    require(pile.plug(c), "plug " + std::to_string(c));
    require(pile.present_id(c, o.charge_point_id + "-C" + std::to_string(c)), "present-id " + std::to_string(c));
    require(pile.ev_charge(c), "ev charge " + std::to_string(c));
    loop.run_pending();
    if (!core.view()[static_cast<std::size_t>(c - 1)].transaction) {
      fail("connector " + std::to_string(c) + " did not start a transaction offline");
    }
    loop.advance(7s);
  }

  // The offline period, an hour at a time (the loop fires every sample timer on its deadline).
  const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double, std::ratio<86400>>(o.days));
  for (auto done = std::chrono::milliseconds{0}; done < period;) {
    const auto step = std::min<std::chrono::milliseconds>(1h, period - done);
    loop.advance(step);
    done += step;
  }

  std::vector<std::int64_t> pks;
  for (int c = 1; c <= o.connectors; ++c) {
    pks.push_back(core.view()[static_cast<std::size_t>(c - 1)].transaction->pk);
    require(pile.press_stop(c), "stop " + std::to_string(c));
    loop.run_pending();
    if (core.view()[static_cast<std::size_t>(c - 1)].transaction) fail("connector " + std::to_string(c) + " did not stop");
    require(pile.unplug(c), "unplug " + std::to_string(c));
    loop.run_pending();
  }

  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("database");
  w.String(o.output.c_str());
  w.Key("ocpp");
  w.String(o.ocpp.c_str());
  w.Key("days");
  w.Double(o.days);
  w.Key("interval_s");
  w.Int(o.interval_s);
  w.Key("transactions");
  w.StartArray();
  for (const auto pk : pks) {
    const auto t = core.transactions().get(pk);
    if (!t || !t->meter_stop_wh || !t->stopped_at) fail("transaction " + std::to_string(pk) + " is not recorded as stopped");
    w.StartObject();
    w.Key("local_id");
    w.Int64(t->pk);
    w.Key("connector");
    w.Int(t->connector);
    w.Key("id_tag");
    w.String(t->id_tag.c_str());
    w.Key("station_id");  // 2.0.1's transactionId; 1.6 ignores it
    w.String(t->station_id.c_str());
    w.Key("meter_start_wh");
    w.Double(t->meter_start_wh);
    w.Key("meter_stop_wh");
    w.Double(*t->meter_stop_wh);
    w.Key("started_at");
    w.String(format_rfc3339(t->started_at).c_str());
    w.Key("stopped_at");
    w.String(format_rfc3339(*t->stopped_at).c_str());
    w.EndObject();
  }
  w.EndArray();
  w.Key("outbox");
  w.StartObject();
  w.Key("events");
  w.Uint64(core.outbox().size());
  w.Key("start");
  w.Int64(count(store.db(), "SELECT COUNT(*) FROM outbox WHERE kind='start'"));
  w.Key("meter");
  w.Int64(count(store.db(), "SELECT COUNT(*) FROM outbox WHERE kind='meter'"));
  w.Key("update");  // milestones within a transaction: 2.0.1 only
  w.Int64(count(store.db(), "SELECT COUNT(*) FROM outbox WHERE kind='update'"));
  w.Key("stop");
  w.Int64(count(store.db(), "SELECT COUNT(*) FROM outbox WHERE kind='stop'"));
  w.EndObject();
  w.EndObject();
  std::printf("%s\n", b.GetString());
  pile.set_listener(nullptr);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  // The core's info lines (a start, a stop) are not what this program is for; its errors are.
  ocpp::log::set_level(ocpp::log::Level::warn);
  try {
    return run(options);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}
