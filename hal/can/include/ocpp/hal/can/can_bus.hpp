#pragma once
// A CAN bus as the drivers on it see it (DESIGN.md, "hal/": can/): send a frame, hear frames.
// Implementations: SocketCanBus (Linux SocketCAN, a real or vcan interface) and VirtualCanBus (an
// in-process bus, so that a driver's logic is tested against a simulated module in the test
// process; DESIGN.md principle 6, "mocks are for what cannot run here (a CAN bus...)").
#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace ocpp::hal::can {

// One classic CAN frame (ISO 11898-1): up to 8 data bytes.
struct CanFrame {
  std::uint32_t id = 0;  // 11-bit standard identifier, or 29-bit when extended
  bool extended = false;
  std::uint8_t length = 0;  // data length code, 0..8
  std::array<std::uint8_t, 8> data{};
};

class CanBus {
 public:
  using Receiver = std::function<void(const CanFrame&)>;
  using ReceiverId = std::uint64_t;

  virtual ~CanBus() = default;
  // Queues a frame for sending and returns at once (the event loop never waits for the bus).
  // Returns "" when queued, else why not (interface down, transmit queue full, bad frame).
  virtual std::string send(const CanFrame& frame) = 0;
  // Every frame heard on the bus (not the bus's own) is handed to every receiver, on the event
  // loop thread. Several drivers may share a bus: each filters the identifiers it owns.
  virtual ReceiverId add_receiver(Receiver receiver) = 0;
  // After this returns, the receiver is never called again. Unknown ids are ignored.
  virtual void remove_receiver(ReceiverId id) = 0;
  // For log lines: "can0", "virtual bus".
  virtual std::string describe() const = 0;
};

}  // namespace ocpp::hal::can

namespace ocpp::hal::can {

// "" for a frame a classic CAN controller can send, else what is wrong with it (identifier wider
// than 11 or 29 bits, more than 8 data bytes).
std::string frame_error(const CanFrame& frame);
// For log lines, in candump's notation: "181#0FA0000000020001".
std::string to_string(const CanFrame& frame);

}  // namespace ocpp::hal::can
