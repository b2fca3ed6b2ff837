#pragma once
// A small, immutable set of strings for `enum`: built once when a schema is compiled, then asked
// "is this string a member?" without allocating. RapidJSON 1.1.0 hashed every candidate value with
// a freshly allocated hasher; here a candidate costs one hash of a few sampled bytes, usually one
// probe and one comparison.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "same_bytes.hpp"

namespace ocpp::schema_detail {

class StringSet {
 public:
  StringSet() = default;
  // `values` in the schema's order; duplicates are allowed (they change nothing).
  explicit StringSet(std::vector<std::string> values);

  bool empty() const { return slots_.empty(); }
  bool contains(std::string_view s) const {
    if (slots_.empty()) return false;
    std::size_t slot = hash(s) & mask_;
    for (;;) {
      const Slot& entry = slots_[slot];
      if (entry.size == s.size() && same_bytes(bytes_.data() + entry.offset, s.data(), s.size())) return true;
      if (entry.size == kEmpty) return false;
      slot = (slot + 1) & mask_;
    }
  }
  // In the schema's order, for descriptions.
  const std::vector<std::string>& values() const { return values_; }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint32_t offset = 0;  // into bytes_
    std::uint32_t size = kEmpty;
  };

  // Length and four sampled bytes: enum values differ early (first byte), late (last) or in the
  // middle ("Energy.Active.Import.Register" / "Energy.Reactive.Import.Register").
  static std::size_t hash(std::string_view s) {
    const std::size_t n = s.size();
    if (n == 0) return 0;
    const auto at = [&s](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])); };
    std::uint32_t h = static_cast<std::uint32_t>(n) * 0x9E3779B1U;
    h ^= at(0) | at(n - 1) << 8 | at(n / 2) << 16 | at(n / 3) << 24;
    h *= 0x85EBCA77U;
    return h ^ (h >> 15);
  }

  std::vector<Slot> slots_;   // open addressing, linear probing; at most half full
  std::size_t mask_ = 0;
  std::string bytes_;         // every distinct value, one after the other
  std::vector<std::string> values_;
};

}  // namespace ocpp::schema_detail
