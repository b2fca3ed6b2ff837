#pragma once
// What each simulated pile saw of its CSMS (docs/fleet.md "The report"): messages each way, how
// each CALL of the pile ended, and its latency from sending to the answer, per action.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ocpp/rpc/endpoint.hpp"

namespace ocpp::fleet {

struct ActionStats {
  std::uint64_t calls = 0;
  std::uint64_t call_errors = 0;  // CALLERROR, or a CALLRESULT that fails its schema
  std::uint64_t timeouts = 0;
  std::uint64_t disconnected = 0;  // the link went down while the CALL waited
  std::uint64_t rejected = 0;      // answered, with a status other than Accepted
  std::vector<std::uint32_t> latency_us;  // of the answered ones
  void merge(const ActionStats& other);
};

// One session a connector played, as the pile recorded it.
struct SessionRecord {
  int connector = 0;
  std::string id_tag;
  bool offline_code = false;
  bool started_offline = false;
  double energy_wh = 0;  // meter stop minus meter start, each rounded to Wh as the wire carries them
};

struct PileStats final : rpc::EndpointObserver {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t sessions = 0;          // completed
  std::uint64_t sessions_refused = 0;  // the card or code was not accepted
  std::uint64_t code_fetch_failures = 0;
  std::uint64_t code_fetch_retries = 0;  // answers "not yet" that were asked again
  std::map<std::string, ActionStats> actions;
  std::vector<SessionRecord> session_log;

  void frame_sent() override { ++frames_sent; }
  void frame_received() override { ++frames_received; }
  void call_completed(const std::string& action, const rpc::CallOutcome& outcome,
                      std::chrono::microseconds since_sent) override;

  ActionStats totals() const;
};

// p in 0..100 of `sorted` (ascending), in milliseconds; 0 when empty.
double percentile_ms(const std::vector<std::uint32_t>& sorted, double p);

}  // namespace ocpp::fleet
