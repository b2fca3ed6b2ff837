#include "ocpp/hal/can/can_bus.hpp"

#include <cstdio>

namespace ocpp::hal::can {

std::string frame_error(const CanFrame& frame) {
  const std::uint32_t widest = frame.extended ? 0x1FFFFFFFu : 0x7FFu;
  if (frame.id > widest) {
    char text[80];
    std::snprintf(text, sizeof text, "identifier 0x%X does not fit %s", static_cast<unsigned>(frame.id),
                  frame.extended ? "29 bits" : "11 bits");
    return text;
  }
  if (frame.length > 8) return "a classic CAN frame carries at most 8 bytes, not " + std::to_string(frame.length);
  return {};
}

std::string to_string(const CanFrame& frame) {
  char text[64];
  int n = std::snprintf(text, sizeof text, frame.extended ? "%08X#" : "%03X#", static_cast<unsigned>(frame.id));
  for (std::uint8_t i = 0; i < frame.length && i < 8 && n > 0 && n + 2 < static_cast<int>(sizeof text); ++i) {
    n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "%02X", frame.data[i]);
  }
  return text;
}

}  // namespace ocpp::hal::can
