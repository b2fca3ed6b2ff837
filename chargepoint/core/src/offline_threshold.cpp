#include "ocpp/cp/offline_threshold.hpp"

#include <algorithm>

#include "ocpp/common/log.hpp"

namespace ocpp::cp {

OfflineThreshold::OfflineThreshold(EventLoop& loop, const Settings& settings, std::string log_name)
    : loop_(loop), settings_(settings), log_name_(std::move(log_name)) {}

OfflineThreshold::~OfflineThreshold() {
  for (const auto& p : parked_) {
    if (p->deadline != 0) loop_.cancel(p->deadline);
  }
}

std::chrono::milliseconds OfflineThreshold::threshold() const {
  return std::chrono::seconds(settings_.get_int("offline_threshold_s"));
}

void OfflineThreshold::link_lost() {
  if (!offline_since_) offline_since_ = loop_.clock().steady_now();
}

void OfflineThreshold::link_up() {
  offline_since_.reset();
  auto parked = std::move(parked_);
  parked_.clear();
  for (const auto& p : parked) {
    if (p->deadline != 0) loop_.cancel(p->deadline);
    send_bounded(p->send, std::move(p->done));
  }
}

bool OfflineThreshold::acting_offline(bool online) const {
  if (online) return false;
  if (!offline_since_) return true;
  return loop_.clock().steady_now() - *offline_since_ >= threshold();
}

void OfflineThreshold::authorize(bool online, Send send, Answer done) {
  if (online) {
    send_bounded(send, std::move(done));
    return;
  }
  if (acting_offline(online)) {
    done(std::nullopt);
    return;
  }
  // Within the threshold: wait for the link, until the threshold has passed since it dropped.
  auto parked = std::make_shared<Parked>();
  parked->send = std::move(send);
  parked->done = std::move(done);
  const auto waited = loop_.clock().steady_now() - *offline_since_;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(threshold() - waited);
  parked->deadline = loop_.schedule_after(left, [this, parked] {
    parked->deadline = 0;
    auto it = std::find(parked_.begin(), parked_.end(), parked);
    if (it == parked_.end()) return;
    parked_.erase(it);
    log::info(log_name_, "the link did not return within OfflineThreshold; deciding offline");
    parked->done(std::nullopt);
  });
  parked_.push_back(std::move(parked));
}

void OfflineThreshold::send_bounded(const Send& send, Answer done) {
  // Whichever comes first, the answer or the threshold, decides; the other does nothing.
  struct Pending {
    Answer done;
    TimerId deadline = 0;
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  const auto limit = threshold();
  if (limit.count() > 0) {
    pending->deadline = loop_.schedule_after(limit, [pending, name = log_name_] {
      pending->deadline = 0;
      if (!pending->done) return;
      log::info(name, "no Authorize answer within OfflineThreshold; deciding offline");
      auto d = std::move(pending->done);
      pending->done = nullptr;
      d(std::nullopt);
    });
  }
  EventLoop* loop = &loop_;
  send([pending, loop](std::optional<IdTagInfo> answer) {
    if (pending->deadline != 0) loop->cancel(pending->deadline);
    pending->deadline = 0;
    if (!pending->done) return;  // decided offline already
    auto d = std::move(pending->done);
    pending->done = nullptr;
    d(std::move(answer));
  });
}

}  // namespace ocpp::cp
