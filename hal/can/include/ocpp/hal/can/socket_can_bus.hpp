#pragma once
// A CAN interface of the Linux kernel (SocketCAN, raw CAN_RAW socket): a real controller such as
// can0, or a vcan interface. The bitrate is the interface's, set outside the program
// (`ip link set can0 type can bitrate 500000`), as it is system configuration, not ours.
//
// Receiving blocks, so it runs on a thread of its own, which posts each frame to the event loop
// (DESIGN.md principle 2). Sending never blocks: a full transmit queue is an error to report, not
// a reason to stall the loop.
#include <memory>
#include <string>
#include <thread>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/can/can_bus.hpp"

namespace ocpp::hal::can {

namespace detail {
class ReceiverList;
}

class SocketCanBus final : public CanBus {
 public:
  // Opens and binds the interface. Throws std::runtime_error naming the interface and the reason
  // (no such interface, no permission, the kernel has no CAN support).
  SocketCanBus(EventLoop& loop, const std::string& interface);
  // Stops the receiving thread; frames it posted and the loop has not run yet are dropped.
  ~SocketCanBus() override;
  SocketCanBus(const SocketCanBus&) = delete;
  SocketCanBus& operator=(const SocketCanBus&) = delete;

  std::string send(const CanFrame& frame) override;
  ReceiverId add_receiver(Receiver receiver) override;
  void remove_receiver(ReceiverId id) override;
  std::string describe() const override { return interface_; }

  // "" when `interface` is a CAN interface this process can open, else why not (what the vcan
  // integration test reports when it skips).
  static std::string probe(const std::string& interface);

 private:
  void read_frames();

  EventLoop& loop_;
  std::string interface_;
  int socket_ = -1;
  int wake_ = -1;  // an eventfd written by the destructor to end read_frames()
  std::shared_ptr<detail::ReceiverList> receivers_;
  bool send_failing_ = false;  // to log a failing interface once, not at every frame
  std::thread reader_;
};

}  // namespace ocpp::hal::can
