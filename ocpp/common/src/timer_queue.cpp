#include "ocpp/common/timer_queue.hpp"

#include <vector>

namespace ocpp {

TimerId TimerQueue::add(SteadyTime deadline, std::function<void()> fn) {
  const TimerId id = next_id_++;
  timers_.emplace(Key{deadline, id}, std::move(fn));
  deadlines_.emplace(id, deadline);
  return id;
}

void TimerQueue::cancel(TimerId id) {
  const auto it = deadlines_.find(id);
  if (it == deadlines_.end()) return;
  timers_.erase(Key{it->second, id});
  deadlines_.erase(it);
}

std::size_t TimerQueue::run_due(SteadyTime now) {
  std::size_t ran = 0;
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    deadlines_.erase(node.key().second);
    node.mapped()();  // may add or cancel timers
    ++ran;
  }
  return ran;
}

std::optional<SteadyTime> TimerQueue::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

TimerId ManualEventLoop::schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) {
  return timers_.add(clock_.steady_now() + delay, std::move(fn));
}

void ManualEventLoop::post(std::function<void()> fn) { posted_.push_back(std::move(fn)); }

void ManualEventLoop::run_pending() {
  for (;;) {
    std::vector<std::function<void()>> batch;
    batch.swap(posted_);
    for (auto& fn : batch) fn();
    const auto ran = timers_.run_due(clock_.steady_now());
    if (batch.empty() && ran == 0 && posted_.empty()) return;
  }
}

void ManualEventLoop::advance(std::chrono::milliseconds d) {
  const SteadyTime end = clock_.steady_now() + d;
  run_pending();
  for (;;) {
    const auto next = timers_.next_deadline();
    if (!next || *next > end) break;
    clock_.advance(std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.steady_now()));
    run_pending();
  }
  clock_.advance(std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_.steady_now()));
  run_pending();
}

}  // namespace ocpp
