#pragma once
// The receivers of one bus, shared by the bus implementations. Loop thread only.
#include <algorithm>
#include <utility>
#include <vector>

#include "ocpp/hal/can/can_bus.hpp"

namespace ocpp::hal::can::detail {

class ReceiverList {
 public:
  CanBus::ReceiverId add(CanBus::Receiver receiver) {
    const CanBus::ReceiverId id = next_++;
    receivers_.emplace_back(id, std::move(receiver));
    return id;
  }

  void remove(CanBus::ReceiverId id) {
    receivers_.erase(std::remove_if(receivers_.begin(), receivers_.end(), [id](const auto& r) { return r.first == id; }),
                     receivers_.end());
  }

  // A receiver may add or remove receivers (itself included) while it runs: each is looked up
  // again before it is called, so a removed one is never called.
  void deliver(const CanFrame& frame) {
    std::vector<CanBus::ReceiverId> ids;
    ids.reserve(receivers_.size());
    for (const auto& r : receivers_) ids.push_back(r.first);
    for (const CanBus::ReceiverId id : ids) {
      const auto it = std::find_if(receivers_.begin(), receivers_.end(), [id](const auto& r) { return r.first == id; });
      if (it == receivers_.end()) continue;
      CanBus::Receiver receiver = it->second;  // a copy: the list may change under the call
      receiver(frame);
    }
  }

 private:
  std::vector<std::pair<CanBus::ReceiverId, CanBus::Receiver>> receivers_;
  CanBus::ReceiverId next_ = 1;
};

}  // namespace ocpp::hal::can::detail
