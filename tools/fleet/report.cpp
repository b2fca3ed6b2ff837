#include "report.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdio>

#include "ocpp/common/datetime.hpp"
#include "ocpp/cp/protocol_adapter.hpp"

namespace ocpp::fleet {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_action(Writer& w, ActionStats a) {
  std::sort(a.latency_us.begin(), a.latency_us.end());
  w.StartObject();
  w.Key("calls");
  w.Uint64(a.calls);
  w.Key("call_errors");
  w.Uint64(a.call_errors);
  w.Key("timeouts");
  w.Uint64(a.timeouts);
  w.Key("disconnected");
  w.Uint64(a.disconnected);
  w.Key("rejected");
  w.Uint64(a.rejected);
  w.Key("p50_ms");
  w.Double(percentile_ms(a.latency_us, 50));
  w.Key("p99_ms");
  w.Double(percentile_ms(a.latency_us, 99));
  w.Key("max_ms");
  w.Double(a.latency_us.empty() ? 0 : a.latency_us.back() / 1000.0);
  w.EndObject();
}

struct Totals {
  std::uint64_t sessions = 0, refused = 0, code_failures = 0, code_retries = 0, sent = 0, received = 0;
  std::map<std::string, ActionStats> actions;
  void add(const PileStats& s) {
    sessions += s.sessions;
    refused += s.sessions_refused;
    code_failures += s.code_fetch_failures;
    code_retries += s.code_fetch_retries;
    sent += s.frames_sent;
    received += s.frames_received;
    for (const auto& [name, a] : s.actions) actions[name].merge(a);
  }
  ActionStats all() const {
    ActionStats t;
    for (const auto& [name, a] : actions) t.merge(a);
    return t;
  }
};

void write_counts(Writer& w, std::uint64_t sessions, std::uint64_t refused, std::uint64_t code_failures,
                  std::uint64_t code_retries, std::uint64_t sent, std::uint64_t received, const ActionStats& all,
                  const std::map<std::string, ActionStats>& actions) {
  w.Key("sessions");
  w.Uint64(sessions);
  w.Key("sessions_refused");
  w.Uint64(refused);
  w.Key("code_fetch_failures");
  w.Uint64(code_failures);
  w.Key("code_fetch_retries");
  w.Uint64(code_retries);
  w.Key("messages_sent");
  w.Uint64(sent);
  w.Key("messages_received");
  w.Uint64(received);
  w.Key("errors");
  w.StartObject();
  w.Key("call_errors");
  w.Uint64(all.call_errors);
  w.Key("timeouts");
  w.Uint64(all.timeouts);
  w.Key("disconnected");
  w.Uint64(all.disconnected);
  w.Key("rejected");
  w.Uint64(all.rejected);
  w.EndObject();
  w.Key("actions");
  w.StartObject();
  for (const auto& [name, a] : actions) {
    w.Key(name.c_str());
    write_action(w, a);
  }
  w.EndObject();
}

void write_time(Writer& w, const char* key, double seconds) {
  w.Key(key);
  if (seconds < 0) {
    w.Null();
  } else {
    w.Double(seconds);
  }
}

}  // namespace

std::string report_json(Fleet& fleet) {
  rapidjson::StringBuffer b;
  Writer w(b);
  const auto& o = fleet.options();
  w.StartObject();
  w.Key("fleet");
  w.StartObject();
  w.Key("count");
  w.Int(o.count);
  w.Key("ocpp");
  w.String(o.ocpp == ProtocolVersion::v201 ? "2.0.1" : "1.6");
  w.Key("connectors");
  w.Int(o.connectors);
  w.Key("seed");
  w.Uint64(o.seed);
  w.Key("csms_url");
  w.String(o.csms_url.c_str());
  w.Key("ok");
  w.Bool(fleet.failure().empty());
  w.Key("failure");
  w.String(fleet.failure().c_str());
  const auto& t = fleet.times();
  w.Key("started_at");
  w.String(format_rfc3339(t.started_at).c_str());
  write_time(w, "ready_s", t.ready_s);
  write_time(w, "cut_at_s", t.cut_at_s);
  write_time(w, "restored_at_s", t.restored_at_s);
  write_time(w, "replay_s", t.replay_s);
  write_time(w, "finished_s", t.finished_s);
  auto lag = fleet.loop_lag_us();
  std::sort(lag.begin(), lag.end());
  w.Key("loop_lag_ms");
  w.StartObject();
  w.Key("p50");
  w.Double(percentile_ms(lag, 50));
  w.Key("p99");
  w.Double(percentile_ms(lag, 99));
  w.Key("max");
  w.Double(lag.empty() ? 0 : lag.back() / 1000.0);
  w.EndObject();
  w.EndObject();
  Totals total;
  for (std::size_t i = 0; i < fleet.size(); ++i) total.add(fleet.stats(i));
  w.Key("total");
  w.StartObject();
  write_counts(w, total.sessions, total.refused, total.code_failures, total.code_retries, total.sent, total.received, total.all(),
               total.actions);
  w.EndObject();
  w.Key("piles");
  w.StartArray();
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    const auto& s = fleet.stats(i);
    auto& pile = fleet.pile(i);
    w.StartObject();
    w.Key("id");
    w.String(pile.id().c_str());
    w.Key("registration");
    w.String(std::string(to_string(pile.adapter().registration())).c_str());
    write_counts(w, s.sessions, s.sessions_refused, s.code_fetch_failures, s.code_fetch_retries, s.frames_sent, s.frames_received, s.totals(),
                 s.actions);
    w.Key("session_log");
    w.StartArray();
    for (const auto& r : s.session_log) {
      w.StartObject();
      w.Key("connector");
      w.Int(r.connector);
      w.Key("id_tag");
      w.String(r.id_tag.c_str());
      w.Key("offline_code");
      w.Bool(r.offline_code);
      w.Key("started_offline");
      w.Bool(r.started_offline);
      w.Key("energy_wh");
      w.Double(r.energy_wh);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {b.GetString(), b.GetSize()};
}

std::string report_table(Fleet& fleet) {
  Totals total;
  for (std::size_t i = 0; i < fleet.size(); ++i) total.add(fleet.stats(i));
  std::string out;
  char line[256];
  const auto& t = fleet.times();
  std::snprintf(line, sizeof line, "%d piles (%s), %llu sessions (%llu refused), messages sent %llu, received %llu\n",
                fleet.options().count, fleet.options().ocpp == ProtocolVersion::v201 ? "2.0.1" : "1.6",
                static_cast<unsigned long long>(total.sessions), static_cast<unsigned long long>(total.refused),
                static_cast<unsigned long long>(total.sent), static_cast<unsigned long long>(total.received));
  out += line;
  std::snprintf(line, sizeof line, "registered after %.2f s; finished after %.2f s\n", t.ready_s, t.finished_s);
  out += line;
  auto lag = fleet.loop_lag_us();
  std::sort(lag.begin(), lag.end());
  std::snprintf(line, sizeof line, "the fleet's event loop ran late by %.2f ms (p50), %.2f ms (p99), %.2f ms (max)\n",
                percentile_ms(lag, 50), percentile_ms(lag, 99), lag.empty() ? 0.0 : lag.back() / 1000.0);
  out += line;
  if (t.restored_at_s >= 0) {
    std::snprintf(line, sizeof line, "links cut at %.2f s, back at %.2f s; replayed (every outbox empty) %.2f s later\n",
                  t.cut_at_s, t.restored_at_s, t.replay_s);
    out += line;
  }
  std::snprintf(line, sizeof line, "%-28s %8s %7s %8s %8s %9s %9s\n", "action", "calls", "errors", "timeouts", "rejected",
                "p50 ms", "p99 ms");
  out += line;
  auto row = [&](const std::string& name, ActionStats a) {
    std::sort(a.latency_us.begin(), a.latency_us.end());
    std::snprintf(line, sizeof line, "%-28s %8llu %7llu %8llu %8llu %9.2f %9.2f\n", name.c_str(),
                  static_cast<unsigned long long>(a.calls), static_cast<unsigned long long>(a.call_errors),
                  static_cast<unsigned long long>(a.timeouts), static_cast<unsigned long long>(a.rejected),
                  percentile_ms(a.latency_us, 50), percentile_ms(a.latency_us, 99));
    out += line;
  };
  for (const auto& [name, a] : total.actions) row(name, a);
  row("(all)", total.all());
  if (!fleet.failure().empty()) out += "FAILED: " + fleet.failure() + "\n";
  return out;
}

}  // namespace ocpp::fleet
