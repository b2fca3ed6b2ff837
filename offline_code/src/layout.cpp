// Layout version 1 (docs/offline-code.md section 4): MAC input, truncation, packing, expiry rebuild.
#include "ocpp/offline_code/layout.hpp"

#include <algorithm>

#include "bytes.hpp"
#include "ocpp/offline_code/primitives.hpp"

namespace ocpp::offline_code {
namespace {

constexpr std::string_view kMacLabel = "ocpp-offline-code/v1/mac";

template <typename T>
T field(std::uint64_t payload, unsigned shift, unsigned bits) {
  return static_cast<T>((payload >> shift) & ((std::uint64_t{1} << bits) - 1));
}

}  // namespace

std::string mac_input(std::string_view charge_point_id, const Fields& fields) {
  check_charge_point_id(charge_point_id);
  // §4.1: label || 0x00 || u8(len ID) || ID || u32be(V) || u16be(serial) || u32be(expiry) || u8(conn) || u8(cap)
  ByteWriter m;
  m.text(kMacLabel);
  m.u8(0);
  m.u8(static_cast<std::uint8_t>(charge_point_id.size()));
  m.text(charge_point_id);
  m.u32be(fields.key_version);
  m.u16be(fields.serial);
  m.u32be(fields.expiry_hours);
  m.u8(fields.connector);
  m.u8(fields.cap_step);
  return std::string(m.bytes().begin(), m.bytes().end());
}

std::uint32_t compute_mac(const KeyBytes& key, std::string_view charge_point_id, const Fields& fields) {
  const std::string m = mac_input(charge_point_id, fields);
  const Digest d = hmac_sha256(key.data(), key.size(), reinterpret_cast<const std::uint8_t*>(m.data()), m.size());
  // §4.1: the first 21 bits of the digest.
  return (std::uint32_t{d[0]} << 13) | (std::uint32_t{d[1]} << 5) | (std::uint32_t{d[2]} >> 3);
}

std::uint64_t pack(const Packed& p) {
  return (std::uint64_t{p.serial} << kSerialShift) | (std::uint64_t{p.expiry_low} << kExpiryShift) |
         (std::uint64_t{p.connector} << kConnectorShift) | (std::uint64_t{p.key_slot} << kSlotShift) |
         (std::uint64_t{p.cap_step} << kCapShift) | (std::uint64_t{p.mac} << kMacShift);
}

Packed unpack(std::uint64_t payload) {
  Packed p;
  p.serial = field<std::uint16_t>(payload, kSerialShift, 12);
  p.expiry_low = field<std::uint16_t>(payload, kExpiryShift, kExpiryBits);
  p.connector = field<std::uint8_t>(payload, kConnectorShift, 3);
  p.key_slot = field<std::uint8_t>(payload, kSlotShift, 1);
  p.cap_step = field<std::uint8_t>(payload, kCapShift, 3);
  p.mac = field<std::uint32_t>(payload, kMacShift, kMacBits);
  return p;
}

Packed shorten(const Fields& fields, std::uint32_t mac) {
  Packed p;
  p.serial = fields.serial;
  p.expiry_low = static_cast<std::uint16_t>(fields.expiry_hours % kExpiryModulus);
  p.connector = fields.connector;
  p.key_slot = static_cast<std::uint8_t>(fields.key_version % 2);
  p.cap_step = fields.cap_step;
  p.mac = mac;
  return p;
}

std::uint32_t reconstruct_expiry(std::uint16_t expiry_low, UnixSeconds now, bool clock_trusted) {
  // §4.3: n = max(0, floor((now - EPOCH) / 3600)); top = n + 192 (trusted) or n + 480 (untrusted);
  // E = top - ((top - e9) mod 512); E < 0 -> E + 512. n is also kept low enough for E to fit 32 bits.
  constexpr std::int64_t kMaxHour = 0xffffffffLL - kUntrustedWindowTopHours;
  const std::int64_t n = now <= kEpoch ? 0 : std::min<std::int64_t>((now - kEpoch) / kHour, kMaxHour);
  const std::int64_t top = n + (clock_trusted ? kTrustedWindowTopHours : kUntrustedWindowTopHours);
  const std::int64_t m = kExpiryModulus;
  const std::int64_t low = expiry_low % m;
  std::int64_t e = top - (((top - low) % m) + m) % m;
  if (e < 0) e += m;
  return static_cast<std::uint32_t>(e);
}

std::string group_digits(std::string_view code) {
  if (code.size() != kCodeDigits || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string(code);
  }
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(code[i]);
  }
  return out;
}

}  // namespace ocpp::offline_code
