#include "ocpp/cp/background_work.hpp"

#include <map>
#include <mutex>
#include <thread>

namespace ocpp::cp {

struct ThreadWork::Shared {
  std::mutex mutex;
  std::map<std::uint64_t, std::thread> threads;
  std::uint64_t next = 1;
  bool closed = false;

  void reap(std::uint64_t id) {
    std::thread t;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = threads.find(id);
      if (it == threads.end()) return;
      t = std::move(it->second);
      threads.erase(it);
    }
    t.join();  // it has posted its continuation: it is returning
  }
};

ThreadWork::ThreadWork(EventLoop& loop) : loop_(loop), shared_(std::make_shared<Shared>()) {}

ThreadWork::~ThreadWork() {
  std::map<std::uint64_t, std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->closed = true;
    threads.swap(shared_->threads);
  }
  for (auto& [id, t] : threads) t.join();
}

void ThreadWork::run(std::function<void()> work, std::function<void()> then) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  const auto id = shared_->next++;
  auto shared = shared_;
  auto& loop = loop_;
  shared_->threads[id] = std::thread([shared, id, &loop, work = std::move(work), then = std::move(then)]() mutable {
    work();
    {
      std::lock_guard<std::mutex> held(shared->mutex);
      if (shared->closed) return;  // the owner is going away, and maybe the loop with it
    }
    loop.post([shared, id, then = std::move(then)] {
      {
        std::lock_guard<std::mutex> held(shared->mutex);
        if (shared->closed) return;
      }
      shared->reap(id);
      then();
    });
  });
}

}  // namespace ocpp::cp
