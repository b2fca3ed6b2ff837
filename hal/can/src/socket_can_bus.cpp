#include "ocpp/hal/can/socket_can_bus.hpp"

#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "receiver_list.hpp"

namespace ocpp::hal::can {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Opens a raw CAN socket bound to `interface`; -1 with `error` set on failure.
int open_raw(const std::string& interface, std::string& error) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    error = "\"" + interface + "\" is not a network interface name";
    return -1;
  }
  const int fd = ::socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
  if (fd < 0) {
    error = "cannot open a CAN socket (" + errno_text() + "; is the kernel's can-raw support loaded?)";
    return -1;
  }
  const unsigned index = ::if_nametoindex(interface.c_str());
  if (index == 0) {
    error = "no network interface " + interface + " (" + errno_text() + ")";
    ::close(fd);
    return -1;
  }
  sockaddr_can addr{};
  addr.can_family = AF_CAN;
  addr.can_ifindex = static_cast<int>(index);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    error = "cannot bind to " + interface + " (" + errno_text() + "; is it a CAN interface?)";
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::string SocketCanBus::probe(const std::string& interface) {
  std::string error;
  const int fd = open_raw(interface, error);
  if (fd >= 0) ::close(fd);
  return error;
}

SocketCanBus::SocketCanBus(EventLoop& loop, const std::string& interface)
    : loop_(loop), interface_(interface), receivers_(std::make_shared<detail::ReceiverList>()) {
  std::string error;
  socket_ = open_raw(interface, error);
  if (socket_ < 0) throw std::runtime_error("CAN " + interface + ": " + error);
  wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_ < 0) {
    ::close(socket_);
    throw std::runtime_error("CAN " + interface + ": eventfd: " + errno_text());
  }
  reader_ = std::thread([this] { read_frames(); });
}

SocketCanBus::~SocketCanBus() {
  const std::uint64_t one = 1;
  if (::write(wake_, &one, sizeof one) < 0) log::error("can", interface_ + ": cannot wake the receiving thread: " + errno_text());
  reader_.join();
  ::close(socket_);
  ::close(wake_);
}

void SocketCanBus::read_frames() {
  // Posted deliveries hold the receivers weakly: after the bus is gone they do nothing.
  const std::weak_ptr<detail::ReceiverList> receivers = receivers_;
  bool read_failing = false;
  for (;;) {
    pollfd fds[2] = {{socket_, POLLIN, 0}, {wake_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log::error("can", interface_ + ": poll: " + errno_text() + "; receiving stops");
      return;
    }
    if (fds[1].revents != 0) return;
    can_frame raw{};
    const ssize_t n = ::read(socket_, &raw, sizeof raw);
    if (n != static_cast<ssize_t>(sizeof raw)) {
      if (n < 0 && errno == EINTR) continue;
      // An interface that went down reports errors until it comes back: log once, wait a little
      // so that an error that repeats does not spin a core.
      if (!read_failing) {
        log::warn("can", interface_ + ": cannot receive (" + (n < 0 ? errno_text() : "short frame") +
                             "); retrying every 100 ms");
      }
      read_failing = true;
      pollfd wake{wake_, POLLIN, 0};
      if (::poll(&wake, 1, 100) > 0) return;
      continue;
    }
    if (read_failing) log::info("can", interface_ + ": receiving again");
    read_failing = false;
    if ((raw.can_id & (CAN_ERR_FLAG | CAN_RTR_FLAG)) != 0) continue;  // not data frames
    CanFrame frame;
    frame.extended = (raw.can_id & CAN_EFF_FLAG) != 0;
    frame.id = raw.can_id & (frame.extended ? CAN_EFF_MASK : CAN_SFF_MASK);
    frame.length = raw.can_dlc > 8 ? 8 : raw.can_dlc;
    std::memcpy(frame.data.data(), raw.data, frame.length);
    loop_.post([receivers, frame] {
      if (const auto list = receivers.lock()) list->deliver(frame);
    });
  }
}

std::string SocketCanBus::send(const CanFrame& frame) {
  if (std::string error = frame_error(frame); !error.empty()) return error;
  can_frame raw{};
  raw.can_id = frame.id | (frame.extended ? CAN_EFF_FLAG : 0u);
  raw.can_dlc = frame.length;
  std::memcpy(raw.data, frame.data.data(), frame.length);
  const ssize_t n = ::send(socket_, &raw, sizeof raw, MSG_DONTWAIT);
  if (n == static_cast<ssize_t>(sizeof raw)) {
    if (send_failing_) log::info("can", interface_ + ": sending again");
    send_failing_ = false;
    return {};
  }
  std::string error = n < 0 ? (errno == ENOBUFS || errno == EAGAIN ? std::string("transmit queue full (is anyone acknowledging on the bus?)")
                                                                   : errno_text())
                            : std::string("short write");
  if (!send_failing_) log::warn("can", interface_ + ": cannot send " + to_string(frame) + ": " + error);
  send_failing_ = true;
  return error;
}

CanBus::ReceiverId SocketCanBus::add_receiver(Receiver receiver) { return receivers_->add(std::move(receiver)); }

void SocketCanBus::remove_receiver(ReceiverId id) { receivers_->remove(id); }

}  // namespace ocpp::hal::can
