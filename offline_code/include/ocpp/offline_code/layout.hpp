#pragma once
// Layout version 1 of the code (docs/offline-code.md section 4): the MAC, the 49-bit payload, and the
// expiry that the code carries only in part.
#include <cstdint>
#include <string>
#include <string_view>

#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::offline_code {

inline constexpr std::size_t kCodeDigits = 16;     // 15 payload digits + 1 Damm check digit
inline constexpr std::size_t kPayloadDigits = 15;
inline constexpr unsigned kPayloadBits = 49;
inline constexpr std::uint64_t kPayloadLimit = std::uint64_t{1} << kPayloadBits;  // P < 2^49
inline constexpr unsigned kMacBits = 21;
inline constexpr unsigned kExpiryBits = 9;          // expiry_hours mod 512 is carried
inline constexpr std::uint32_t kExpiryModulus = 1u << kExpiryBits;

// §4.2 bit positions, least significant bit = 0.
inline constexpr unsigned kMacShift = 0;
inline constexpr unsigned kCapShift = 21;
inline constexpr unsigned kSlotShift = 24;
inline constexpr unsigned kConnectorShift = 25;
inline constexpr unsigned kExpiryShift = 28;
inline constexpr unsigned kSerialShift = 37;

// §4.3: how far ahead of `now` the reconstruction window reaches.
inline constexpr std::int64_t kTrustedWindowTopHours = 192;
inline constexpr std::int64_t kUntrustedWindowTopHours = 480;

// The payload fields as they are carried (expiry and key version shortened).
struct Packed {
  std::uint16_t serial = 0;
  std::uint16_t expiry_low = 0;  // expiry_hours mod 512
  std::uint8_t connector = 0;
  std::uint8_t key_slot = 0;     // key_version mod 2
  std::uint8_t cap_step = 0;
  std::uint32_t mac = 0;         // 21 bits
};

// §4.1: the MAC input M for these fields (the full key version and expiry).
std::string mac_input(std::string_view charge_point_id, const Fields& fields);
// §4.1: the first 21 bits of HMAC-SHA256(key, M). Throws std::invalid_argument for a bad id.
std::uint32_t compute_mac(const KeyBytes& key, std::string_view charge_point_id, const Fields& fields);

// §4.2. pack() expects fields already in range (see encode()).
std::uint64_t pack(const Packed& p);
Packed unpack(std::uint64_t payload);  // payload < kPayloadLimit
Packed shorten(const Fields& fields, std::uint32_t mac);

// §4.3: the expiry hour congruent to `expiry_low` mod 512 nearest below the window top, which is 192 h
// after `now` for a trusted clock and 480 h after it for an untrusted one.
std::uint32_t reconstruct_expiry(std::uint16_t expiry_low, UnixSeconds now, bool clock_trusted);

// "1234 5678 9012 3456", for displays and web pages. Anything not 16 digits is returned unchanged.
std::string group_digits(std::string_view code);

}  // namespace ocpp::offline_code
