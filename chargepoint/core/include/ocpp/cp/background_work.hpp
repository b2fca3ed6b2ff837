#pragma once
// Blocking work handed off the event loop (DESIGN.md principle 2): hashing a firmware image,
// running an installer. The work runs elsewhere; its continuation runs on the loop. Tests use an
// implementation that runs both in turn on the test thread.
#include <functional>
#include <memory>

#include "ocpp/common/event_loop.hpp"

namespace ocpp::cp {

class BackgroundWork {
 public:
  virtual ~BackgroundWork() = default;
  // `work` runs off the loop; `then` runs on the loop afterwards, unless this object is gone.
  virtual void run(std::function<void()> work, std::function<void()> then) = 0;
};

// A thread per job (jobs are rare and long: an image check, an install). The destructor waits for
// running work to end.
class ThreadWork final : public BackgroundWork {
 public:
  explicit ThreadWork(EventLoop& loop);
  ~ThreadWork() override;
  ThreadWork(const ThreadWork&) = delete;
  ThreadWork& operator=(const ThreadWork&) = delete;
  void run(std::function<void()> work, std::function<void()> then) override;

  struct Shared;

 private:
  EventLoop& loop_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace ocpp::cp
