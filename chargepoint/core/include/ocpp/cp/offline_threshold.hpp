#pragma once
// OfflineThreshold (issue 5; 1.6 vendor key and 2.0.1 OCPPCommCtrlr.OfflineThreshold, setting
// offline_threshold_s): how long the pile waits before it decides offline. One rule, kept here for
// both protocol adapters, which give it only the Authorize round trip of their version:
//   - online: Authorize is sent; no answer within the threshold -> decided offline (the late answer
//     is ignored; the cache learns from the next one);
//   - the link dropped less than the threshold ago: the request waits for the link (the ping/pong
//     detection of the transport finds a dead link within seconds), then is sent; the link not
//     back when the threshold has passed -> decided offline;
//   - offline longer than that: decided offline at once.
// What "decided offline" means (local list, cache, unknown ids, offline codes) is the Authorizer's.
// On the event loop thread only (DESIGN.md principle 2).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

class OfflineThreshold {
 public:
  using Answer = std::function<void(std::optional<IdTagInfo>)>;
  // Sends one Authorize now; calls its argument with the CSMS's answer, or nullopt for none.
  using Send = std::function<void(Answer)>;

  OfflineThreshold(EventLoop& loop, const Settings& settings, std::string log_name);
  // Cancels the timers of waiting requests (their answers are never given).
  ~OfflineThreshold();
  OfflineThreshold(const OfflineThreshold&) = delete;
  OfflineThreshold& operator=(const OfflineThreshold&) = delete;

  std::chrono::milliseconds threshold() const;
  // The link is down from now on, unless it was already (start-up counts as down).
  void link_lost();
  // Registered again: the waiting requests are sent now.
  void link_up();
  // Since when the link has been down; nullopt while it is up.
  std::optional<SteadyTime> offline_since() const { return offline_since_; }
  // Whether decisions that need the CSMS are taken offline now (CsmsLink::acting_offline).
  bool acting_offline(bool online) const;
  // An Authorize through the rule above; `done` is called once.
  void authorize(bool online, Send send, Answer done);

 private:
  struct Parked {
    Send send;
    Answer done;
    TimerId deadline = 0;
  };
  void send_bounded(const Send& send, Answer done);

  EventLoop& loop_;
  const Settings& settings_;
  std::string log_name_;
  std::optional<SteadyTime> offline_since_;
  std::vector<std::shared_ptr<Parked>> parked_;
};

}  // namespace ocpp::cp
