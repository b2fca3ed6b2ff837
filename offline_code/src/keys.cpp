// Master secret and per-pile keys (docs/offline-code.md section 3).
#include "ocpp/offline_code/keys.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "bytes.hpp"
#include "ocpp/offline_code/primitives.hpp"

namespace ocpp::offline_code {
namespace {

constexpr std::string_view kHkdfSalt = "ocpp-offline-code/v1/hkdf-salt";
constexpr std::string_view kPileKeyLabel = "ocpp-offline-code/v1/pile-key";
constexpr std::string_view kKeyCheckLabel = "ocpp-offline-code/v1/key-check";
constexpr std::size_t kKeyCheckBytes = 4;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

void set_error(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

// 64 hex digits (whitespace ignored if `allow_space`) into 32 bytes.
std::optional<KeyBytes> parse_hex32(std::string_view text, bool allow_space, std::string* error) {
  KeyBytes out{};
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (allow_space && is_space(c)) continue;
    const int v = hex_digit_value(c);
    if (v < 0) {
      const auto byte = static_cast<std::uint8_t>(c);
      const std::string what = byte > 0x20 && byte < 0x7f ? "'" + std::string(1, c) + "'" : "0x" + to_hex(&byte, 1);
      set_error(error, "character " + what + " at offset " + std::to_string(pos) + " is not hexadecimal");
      return std::nullopt;
    }
    if (count < 64) out[count / 2] = static_cast<std::uint8_t>(out[count / 2] | (v << (count % 2 ? 0 : 4)));
    ++count;
  }
  if (count != 64) {
    set_error(error, "found " + std::to_string(count) + " hexadecimal characters, expected 64 (32 bytes)");
    return std::nullopt;
  }
  return out;
}

std::optional<PileKey> parse_plain_key_spec(std::string_view text, std::string* error);

}  // namespace

void check_charge_point_id(std::string_view charge_point_id) {
  if (charge_point_id.empty()) throw std::invalid_argument("the charge point id must not be empty");
  if (charge_point_id.size() > kMaxChargePointIdBytes) {
    throw std::invalid_argument("the charge point id must be at most 255 bytes, got " +
                                std::to_string(charge_point_id.size()));
  }
}

PileKey derive_pile_key(const MasterSecret& master, std::string_view charge_point_id, std::uint32_t key_version) {
  check_charge_point_id(charge_point_id);
  if (key_version == 0) throw std::invalid_argument("key versions start at 1");
  // §3.2: info = label || 0x00 || u32be(V) || u8(len ID) || ID.
  ByteWriter info;
  info.text(kPileKeyLabel);
  info.u8(0);
  info.u32be(key_version);
  info.u8(static_cast<std::uint8_t>(charge_point_id.size()));
  info.text(charge_point_id);
  const Bytes okm = hkdf_sha256(Bytes(master.begin(), master.end()), bytes_of(kHkdfSalt), info.bytes(), 32);
  PileKey key;
  key.version = key_version;
  std::copy(okm.begin(), okm.end(), key.bytes.begin());
  return key;
}

std::optional<MasterSecret> parse_master_secret(std::string_view text, std::string* error) {
  return parse_hex32(text, true, error);
}

std::string key_check_value(const PileKey& key, std::string_view charge_point_id) {
  check_charge_point_id(charge_point_id);
  // §3.3: a domain string of its own keeps this HMAC apart from the MACs of codes (§4.1).
  ByteWriter input;
  input.text(kKeyCheckLabel);
  input.u8(0);
  input.u32be(key.version);
  input.u8(static_cast<std::uint8_t>(charge_point_id.size()));
  input.text(charge_point_id);
  const Digest d = hmac_sha256(key.bytes.data(), key.bytes.size(), input.bytes().data(), input.bytes().size());
  return to_hex(d.data(), kKeyCheckBytes);
}

std::optional<PileKey> parse_key_spec(std::string_view text, std::string* error) {
  std::string_view check;
  const auto last = text.rfind(':');
  if (last != std::string_view::npos && last != text.find(':')) {
    // §3.3: "V:HEX:CHECK"; the check value is read here, compared by parse_key_spec_for.
    check = text.substr(last + 1);
    text = text.substr(0, last);
    if (check.size() != 2 * kKeyCheckBytes ||
        std::any_of(check.begin(), check.end(), [](char c) { return hex_digit_value(c) < 0; })) {
      set_error(error, "the check value after the second ':' must be 8 hexadecimal characters");
      return std::nullopt;
    }
  }
  return parse_plain_key_spec(text, error);
}

std::optional<PileKey> parse_key_spec_for(std::string_view text, std::string_view charge_point_id, std::string* error) {
  auto key = parse_key_spec(text, error);
  if (!key) return std::nullopt;
  const auto first = text.find(':'), last = text.rfind(':');
  if (first == last) return key;  // no check value: accepted as before (§3.3)
  std::string given(text.substr(last + 1));
  std::transform(given.begin(), given.end(), given.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  const std::string expected = key_check_value(*key, charge_point_id);
  if (given != expected) {
    set_error(error, "the key's check value is " + expected + " for charge point id \"" + std::string(charge_point_id) +
                         "\", the key spec says " + given + ": it was made for another charge point id");
    return std::nullopt;
  }
  return key;
}

std::string format_key_spec(const PileKey& key, std::string_view charge_point_id) {
  return format_key_spec(key) + ":" + key_check_value(key, charge_point_id);
}

namespace {

std::optional<PileKey> parse_plain_key_spec(std::string_view text, std::string* error) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    set_error(error, "expected VERSION:HEX");
    return std::nullopt;
  }
  std::uint64_t version = 0;
  for (const char c : text.substr(0, colon)) {
    if (c < '0' || c > '9' || version > 0xffffffffULL) {
      set_error(error, "the key version must be a decimal number from 1 to 4294967295");
      return std::nullopt;
    }
    version = version * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (version == 0 || version > 0xffffffffULL) {
    set_error(error, "the key version must be a decimal number from 1 to 4294967295");
    return std::nullopt;
  }
  const auto bytes = parse_hex32(text.substr(colon + 1), false, error);
  if (!bytes) return std::nullopt;
  return PileKey{static_cast<std::uint32_t>(version), *bytes};
}

}  // namespace

std::string format_key_spec(const PileKey& key) { return std::to_string(key.version) + ":" + to_hex(key.bytes); }

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

namespace {

bool contains_ci(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(text[i + k])) ==
                                    std::tolower(static_cast<unsigned char>(needle[k]))) {
      ++k;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace

bool carries_pile_key(std::string_view frame) {
  // 1.6 keys are case-insensitive (CiString); the quote after the name leaves OfflineCodeKeyVersion out.
  return contains_ci(frame, "\"OfflineCodeKey\"") ||
         (contains_ci(frame, "OfflineCodeCtrlr") && contains_ci(frame, "\"Key\""));
}

}  // namespace ocpp::offline_code
