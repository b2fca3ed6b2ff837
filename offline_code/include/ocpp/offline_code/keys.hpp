#pragma once
// Keys of the offline charging code (docs/offline-code.md section 3): the server's master secret and
// the per-pile keys derived from it with HKDF-SHA256.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocpp::offline_code {

using MasterSecret = std::array<std::uint8_t, 32>;
using KeyBytes = std::array<std::uint8_t, 32>;

// K(ID, V): what a pile is provisioned with. It never holds the master secret.
struct PileKey {
  std::uint32_t version = 0;
  KeyBytes bytes{};
  friend bool operator==(const PileKey& a, const PileKey& b) { return a.version == b.version && a.bytes == b.bytes; }
};

// Charge point ids are 1..255 bytes (the length is prefixed as one byte in HKDF info and MAC input).
inline constexpr std::size_t kMaxChargePointIdBytes = 255;

// §3.2: K(ID, V) = HKDF-SHA256(master, salt "ocpp-offline-code/v1/hkdf-salt",
// info "ocpp-offline-code/v1/pile-key" 0x00 u32be(V) u8(len ID) ID, 32 bytes).
// Throws std::invalid_argument for an empty or too long id or version 0.
PileKey derive_pile_key(const MasterSecret& master, std::string_view charge_point_id, std::uint32_t key_version);

// §3.1: 64 hexadecimal characters, either case; whitespace anywhere is ignored. On failure returns
// nullopt and, if `error` is given, says what is wrong ("found 63 hexadecimal characters, expected 64").
std::optional<MasterSecret> parse_master_secret(std::string_view text, std::string* error = nullptr);

// §3.3: the check value of a key for the pile `charge_point_id`: 8 lower-case hexadecimal characters,
// the first 4 bytes of HMAC(K, "ocpp-offline-code/v1/key-check" 0x00 u32be(V) u8(len ID) ID). It lets
// a pile refuse a key made for another charge point id before any code fails with it. Throws
// std::invalid_argument for an empty or too long id.
std::string key_check_value(const PileKey& key, std::string_view charge_point_id);

// §3.3 provisioning value "V:HEX" or "V:HEX:CHECK" (decimal version >= 1, 64 hex characters, 8 hex
// characters of check value). This only reads the syntax: the check value is not compared with
// anything (parse_key_spec_for does that).
std::optional<PileKey> parse_key_spec(std::string_view text, std::string* error = nullptr);
// §3.3, what a pile installs: as parse_key_spec, and a check value, when present, must be that of
// the key for `charge_point_id` ("the key's check value is 1a2b3c4d, not 5e6f7a8b: it was made for
// another charge point id than CP-1"). A spec without one is accepted, as before check values existed.
std::optional<PileKey> parse_key_spec_for(std::string_view text, std::string_view charge_point_id,
                                          std::string* error = nullptr);
// "V:HEX", and with a charge point id "V:HEX:CHECK" (what a CSMS should send).
std::string format_key_spec(const PileKey& key);
std::string format_key_spec(const PileKey& key, std::string_view charge_point_id);

// Whether an OCPP frame may carry a pile key being provisioned (1.6 ChangeConfiguration of
// OfflineCodeKey, 2.0.1 SetVariables of OfflineCodeCtrlr.Key), so that logs withhold it
// (rpc::EndpointOptions::secret_frame). Errs on the side of withholding.
bool carries_pile_key(std::string_view frame);

// Lower-case hexadecimal.
std::string to_hex(const std::uint8_t* data, std::size_t size);
template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
  return to_hex(bytes.data(), N);
}

}  // namespace ocpp::offline_code
