#pragma once
// Byte-level helpers shared by the library's sources: the byte strings of HKDF info and MAC input
// (big-endian integers and raw text), hexadecimal digits, and the charge point id rule.
#include <cstdint>
#include <string_view>

#include "ocpp/offline_code/primitives.hpp"

namespace ocpp::offline_code {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16be(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32be(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) u8(static_cast<std::uint8_t>(v >> shift));
  }
  void text(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes out_;
};

// 0..15 for a hexadecimal digit of either case, -1 for anything else.
inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Throws std::invalid_argument for an id that is empty or longer than 255 bytes.
void check_charge_point_id(std::string_view charge_point_id);

}  // namespace ocpp::offline_code
