#pragma once
// Equality of two short byte strings (property names, enum values: mostly 2 to 40 bytes) without
// a call into the C library: word-sized loads, the last one overlapping.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ocpp::schema_detail {

inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  const auto load64 = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  const auto load32 = [](const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace ocpp::schema_detail
