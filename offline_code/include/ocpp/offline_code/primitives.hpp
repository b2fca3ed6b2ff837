#pragma once
// The two cryptographic primitives the code is built on, over OpenSSL's libcrypto. Kept separate so
// that they can be checked against their RFC test vectors.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ocpp::offline_code {

using Bytes = std::vector<std::uint8_t>;
using Digest = std::array<std::uint8_t, 32>;

// HMAC-SHA256 (RFC 2104). Throws std::runtime_error if libcrypto fails.
Digest hmac_sha256(const std::uint8_t* key, std::size_t key_size, const std::uint8_t* data, std::size_t data_size);
// HKDF-SHA256 (RFC 5869), extract then expand to `length` bytes (at most 255 * 32).
Bytes hkdf_sha256(const Bytes& ikm, const Bytes& salt, const Bytes& info, std::size_t length);

// Constant-time equality of two byte ranges of the same size (CRYPTO_memcmp).
bool equal_constant_time(const std::uint8_t* a, const std::uint8_t* b, std::size_t size);

inline Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace ocpp::offline_code
