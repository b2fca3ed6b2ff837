#include "ocpp/hal/can/virtual_can_bus.hpp"

#include <algorithm>
#include <vector>

#include "receiver_list.hpp"

namespace ocpp::hal::can {

struct VirtualCanBus::Member {
  detail::ReceiverList receivers;
};

struct VirtualCanNetwork::State {
  explicit State(EventLoop& l) : loop(l) {}
  EventLoop& loop;
  std::vector<std::weak_ptr<VirtualCanBus::Member>> members;
  std::uint64_t sent = 0;
};

VirtualCanNetwork::VirtualCanNetwork(EventLoop& loop) : state_(std::make_shared<State>(loop)) {}

VirtualCanNetwork::~VirtualCanNetwork() = default;

std::uint64_t VirtualCanNetwork::frames_sent() const { return state_->sent; }

VirtualCanBus::VirtualCanBus(VirtualCanNetwork& network, std::string name)
    : network_(network.state_), member_(std::make_shared<Member>()), name_(std::move(name)) {
  network_->members.push_back(member_);
}

VirtualCanBus::~VirtualCanBus() {
  auto& members = network_->members;
  members.erase(std::remove_if(members.begin(), members.end(),
                               [this](const std::weak_ptr<Member>& m) {
                                 const auto locked = m.lock();
                                 return !locked || locked == member_;
                               }),
                members.end());
}

std::string VirtualCanBus::send(const CanFrame& frame) {
  if (std::string error = frame_error(frame); !error.empty()) return error;
  ++network_->sent;
  // Delivered later through the loop, to the members attached at delivery time, never back to
  // the sender (a CAN controller does not receive its own frames unless asked to).
  std::weak_ptr<VirtualCanNetwork::State> weak_network = network_;
  std::weak_ptr<Member> sender = member_;
  network_->loop.post([weak_network, sender, frame] {
    const auto network = weak_network.lock();
    if (!network) return;
    const auto from = sender.lock();
    const auto members = network->members;  // a receiver may attach or detach buses
    for (const auto& m : members) {
      const auto member = m.lock();
      if (member && member != from) member->receivers.deliver(frame);
    }
  });
  return {};
}

CanBus::ReceiverId VirtualCanBus::add_receiver(Receiver receiver) { return member_->receivers.add(std::move(receiver)); }

void VirtualCanBus::remove_receiver(ReceiverId id) { member_->receivers.remove(id); }

}  // namespace ocpp::hal::can
