// Issuing and verifying codes (docs/offline-code.md sections 4 and 5).
#include "ocpp/offline_code/code.hpp"

#include <array>
#include <stdexcept>

#include "bytes.hpp"
#include "ocpp/offline_code/check_digit.hpp"
#include "ocpp/offline_code/layout.hpp"
#include "ocpp/offline_code/primitives.hpp"

namespace ocpp::offline_code {
namespace {

// The 21-bit MAC as the first three digest bytes with the low 3 bits of the third cleared, so that
// the comparison is one CRYPTO_memcmp over equal-length buffers.
std::array<std::uint8_t, 3> mac_bytes(std::uint32_t mac) {
  return {static_cast<std::uint8_t>(mac >> 13), static_cast<std::uint8_t>(mac >> 5),
          static_cast<std::uint8_t>((mac << 3) & 0xf8)};
}

const PileKey* key_for_slot(const std::vector<PileKey>& keys, std::uint8_t slot) {
  const PileKey* found = nullptr;
  for (const auto& k : keys) {
    if (k.version % 2 == slot && (!found || k.version > found->version)) found = &k;
  }
  return found;
}

Verdict refuse(Status s) { return Verdict{s, std::nullopt}; }

}  // namespace

std::string encode(const Fields& fields, const PileKey& key, std::string_view charge_point_id) {
  check_charge_point_id(charge_point_id);
  if (fields.key_version == 0) throw std::invalid_argument("key versions start at 1");
  if (fields.key_version != key.version) {
    throw std::invalid_argument("the fields name key version " + std::to_string(fields.key_version) +
                                " but the key is version " + std::to_string(key.version));
  }
  if (fields.serial > kMaxSerial) {
    throw std::invalid_argument("serial must be 0..4095, got " + std::to_string(fields.serial));
  }
  if (fields.connector > kMaxConnector) {
    throw std::invalid_argument("connector must be 0 (any) or 1..7, got " + std::to_string(fields.connector));
  }
  if (fields.cap_step > kMaxCapStep) {
    throw std::invalid_argument("energy cap step must be 0..7, got " + std::to_string(fields.cap_step));
  }
  const std::uint64_t payload = pack(shorten(fields, compute_mac(key.bytes, charge_point_id, fields)));
  std::string digits = std::to_string(payload);
  digits.insert(0, kPayloadDigits - digits.size(), '0');
  digits.push_back(static_cast<char>('0' + *damm_check_digit(digits)));
  return digits;
}

namespace {

// §4.3, §7: the time the expiry is rebuilt from, which may differ from the time it is judged against.
struct Reference {
  UnixSeconds now = 0;
  bool trusted = false;
};

Verdict verify_at(std::string_view typed, const std::vector<PileKey>& keys, std::string_view charge_point_id,
                  unsigned connector, Reference rebuild, Reference judge, UnixSeconds tolerance) {
  check_charge_point_id(charge_point_id);
  // §5 step 1: 16 digits once spaces and '-' are removed.
  std::string digits;
  for (const char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || digits.size() == kCodeDigits) return refuse(Status::Malformed);
    digits.push_back(c);
  }
  if (digits.size() != kCodeDigits) return refuse(Status::Malformed);
  // Step 2: a typing error is told apart from a wrong code before anything else is looked at.
  if (!damm_valid(digits)) return refuse(Status::Typo);
  // Step 3: payload values from 2^49 up are reserved for later layouts.
  std::uint64_t payload = 0;
  for (std::size_t i = 0; i < kPayloadDigits; ++i) payload = payload * 10 + static_cast<std::uint64_t>(digits[i] - '0');
  if (payload >= kPayloadLimit) return refuse(Status::Malformed);
  // Steps 4-5.
  const Packed p = unpack(payload);
  const PileKey* key = key_for_slot(keys, p.key_slot);
  if (!key) return refuse(Status::UnknownKeyVersion);
  // Step 6: the full expiry is rebuilt from the clock; the MAC covers it, so a wrong rebuild fails.
  Fields f;
  f.key_version = key->version;
  f.serial = p.serial;
  f.expiry_hours = reconstruct_expiry(p.expiry_low, rebuild.now, rebuild.trusted);
  f.connector = p.connector;
  f.cap_step = p.cap_step;
  // Step 7: constant-time comparison of the 21 bits.
  const auto expected = mac_bytes(compute_mac(key->bytes, charge_point_id, f));
  const auto given = mac_bytes(p.mac);
  if (!equal_constant_time(expected.data(), given.data(), expected.size())) return refuse(Status::BadMac);
  // Steps 8-9 speak about a genuine code only.
  Verdict v{Status::Accepted, f};
  const UnixSeconds expiry = expires_at(f);
  if (f.connector != kAnyConnector && f.connector != connector) {
    v.status = Status::WrongConnector;
  } else if (judge.now >= expiry + tolerance) {
    v.status = Status::Expired;
  } else if (judge.trusted && expiry > judge.now + kMaxLifeHours * kHour + tolerance) {
    v.status = Status::NotYetValid;
  }
  return v;
}

}  // namespace

Verdict verify(std::string_view typed, const std::vector<PileKey>& keys, std::string_view charge_point_id,
               unsigned connector, UnixSeconds now, bool clock_trusted, UnixSeconds tolerance) {
  const Reference ref{now, clock_trusted};
  return verify_at(typed, keys, charge_point_id, connector, ref, ref, tolerance);
}

Verdict verify_untrusted(std::string_view typed, const std::vector<PileKey>& keys, std::string_view charge_point_id,
                         unsigned connector, UnixSeconds floor, std::optional<UnixSeconds> clock_reading,
                         UnixSeconds tolerance) {
  const Reference judge{floor, false};
  Verdict first = verify_at(typed, keys, charge_point_id, connector, judge, judge, tolerance);
  if (first.status != Status::BadMac || !clock_reading) return first;
  // §7: the floor may lag far behind the true time (a pile stored for months, a floor that a bogus
  // sync pushed ahead); the clock's own reading is the second and last expiry tried, so that a
  // genuine code is not told as a wrong code, while a guess still has only two MACs to hit (§8.2).
  Verdict second = verify_at(typed, keys, charge_point_id, connector, Reference{*clock_reading, true}, judge, tolerance);
  return second.fields ? second : first;
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::Accepted: return "accepted";
    case Status::Malformed: return "malformed";
    case Status::Typo: return "typo";
    case Status::UnknownKeyVersion: return "unknown_key_version";
    case Status::BadMac: return "bad_mac";
    case Status::WrongConnector: return "wrong_connector";
    case Status::NotYetValid: return "not_yet_valid";
    case Status::Expired: return "expired";
  }
  return "unknown";
}

std::string_view describe(Status status) {
  switch (status) {
    case Status::Accepted: return "the code is genuine and valid";
    case Status::Malformed: return "not a code: a code is 16 digits";
    case Status::Typo: return "mistyped: the check digit does not match";
    case Status::UnknownKeyVersion: return "the code was made with a key this charge point does not hold";
    case Status::BadMac: return "wrong code: it was not issued for this charge point";
    case Status::WrongConnector: return "the code is for another connector";
    case Status::NotYetValid: return "the code is not valid yet (or this charge point's clock is behind)";
    case Status::Expired: return "the code has expired";
  }
  return "unknown verdict";
}

}  // namespace ocpp::offline_code
