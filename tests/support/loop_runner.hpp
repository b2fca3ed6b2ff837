#pragma once
// Drives an LwsLoop from the test thread until a condition holds or a deadline passes.
#include <chrono>
#include <functional>

#include "ocpp/transport/lws_loop.hpp"

namespace ocpp::test {

inline bool run_until(transport::LwsLoop& loop, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds{10}) {
  const auto end = std::chrono::steady_clock::now() + limit;
  // A repeating timer wakes the loop so the condition is checked at least every 20 ms.
  TimerId tick = 0;
  std::function<void()> arm = [&] { tick = loop.schedule_after(std::chrono::milliseconds{20}, [&] { arm(); }); };
  arm();
  bool ok = true;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) {
      ok = false;
      break;
    }
    loop.run_once();
  }
  loop.cancel(tick);
  return ok;
}

}  // namespace ocpp::test
