#include <iostream>

#include "session.hpp"

namespace ocpp::demo {

void say(const std::string& step, const std::string& text) { std::cout << "[" << step << "] " << text << std::endl; }

void Steps::run(std::function<void(bool)> done) {
  done_ = std::move(done);
  run_from(0);
}

void Steps::run_from(std::size_t i) {
  if (i >= steps_.size()) {
    done_(true);
    return;
  }
  const std::string name = steps_[i].first;
  steps_[i].second([this, i, name](bool ok) {
    if (!ok) {
      say(name, "FAILED");
      done_(false);
      return;
    }
    run_from(i + 1);
  });
}

}  // namespace ocpp::demo
