#pragma once
// An in-process CAN network for tests and simulations: every VirtualCanBus attached to one
// VirtualCanNetwork hears the frames the others send. Frames travel through the event loop (posted,
// never delivered from inside send()), as a real interface's frames reach a driver, so a driver
// tested here meets the same ordering as on SocketCAN. Loop thread only.
#include <cstdint>
#include <memory>
#include <string>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/can/can_bus.hpp"

namespace ocpp::hal::can {

class VirtualCanBus;

class VirtualCanNetwork {
 public:
  explicit VirtualCanNetwork(EventLoop& loop);
  ~VirtualCanNetwork();
  VirtualCanNetwork(const VirtualCanNetwork&) = delete;
  VirtualCanNetwork& operator=(const VirtualCanNetwork&) = delete;

  // How many frames were sent on the network since it was made (all members together).
  std::uint64_t frames_sent() const;

  struct State;

 private:
  friend class VirtualCanBus;
  std::shared_ptr<State> state_;
};

class VirtualCanBus final : public CanBus {
 public:
  // Attaches to `network`, which must outlive this bus.
  explicit VirtualCanBus(VirtualCanNetwork& network, std::string name = "virtual bus");
  ~VirtualCanBus() override;
  VirtualCanBus(const VirtualCanBus&) = delete;
  VirtualCanBus& operator=(const VirtualCanBus&) = delete;

  std::string send(const CanFrame& frame) override;
  ReceiverId add_receiver(Receiver receiver) override;
  void remove_receiver(ReceiverId id) override;
  std::string describe() const override { return name_; }

  struct Member;

 private:
  std::shared_ptr<VirtualCanNetwork::State> network_;
  std::shared_ptr<Member> member_;
  std::string name_;
};

}  // namespace ocpp::hal::can
