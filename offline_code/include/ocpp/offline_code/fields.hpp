#pragma once
// What an offline charging code says (docs/offline-code.md section 2), and the coarse units it says
// it in: whole hours since the code epoch, energy cap steps.
#include <cstdint>
#include <optional>

namespace ocpp::offline_code {

// Seconds since 1970-01-01T00:00:00Z, leap seconds not counted (POSIX time).
using UnixSeconds = std::int64_t;

// §2: expiry is counted in whole hours from 2025-01-01T00:00:00Z.
inline constexpr UnixSeconds kEpoch = 1735689600;
inline constexpr UnixSeconds kHour = 3600;
// §2: the longest validity an issuer may ask for, and the longest a code may live after its issue
// (the ceiling to a whole hour adds up to one hour).
inline constexpr unsigned kMaxValidHours = 168;
inline constexpr unsigned kMaxLifeHours = 169;

inline constexpr std::uint16_t kMaxSerial = 4095;   // 12 bits
inline constexpr std::uint8_t kMaxConnector = 7;    // 3 bits; 0 = any connector
inline constexpr std::uint8_t kAnyConnector = 0;
inline constexpr std::uint8_t kMaxCapStep = 7;      // 3 bits; 0 = no cap

struct Fields {
  std::uint32_t key_version = 1;   // 1..2^32-1
  std::uint16_t serial = 0;        // 0..4095, once per pile and key version
  std::uint32_t expiry_hours = 0;  // valid until kEpoch + 3600 * expiry_hours
  std::uint8_t connector = 0;      // 0 = any, 1..7
  std::uint8_t cap_step = 0;       // 0 = none, 1..7: see energy_cap_wh

  friend bool operator==(const Fields& a, const Fields& b) {
    return a.key_version == b.key_version && a.serial == b.serial && a.expiry_hours == b.expiry_hours &&
           a.connector == b.connector && a.cap_step == b.cap_step;
  }
  friend bool operator!=(const Fields& a, const Fields& b) { return !(a == b); }
};

// The instant the code stops being valid.
constexpr UnixSeconds expires_at(const Fields& f) { return kEpoch + kHour * static_cast<UnixSeconds>(f.expiry_hours); }

// §2, issuer rule: the expiry hour that keeps a code issued at `issued_at` valid for at least
// `valid_hours` (1..168) hours. Throws std::invalid_argument when valid_hours is out of range or the
// expiry would fall before the epoch or beyond 2^32 hours.
std::uint32_t expiry_hours_for(UnixSeconds issued_at, unsigned valid_hours);

// §2: the energy cap of a step in Wh; nullopt for step 0 (no cap). Throws std::out_of_range above 7.
std::optional<std::uint32_t> energy_cap_wh(std::uint8_t cap_step);
// §2: the largest step whose cap does not exceed `wh`; nullopt when wh < 500 (no step fits).
std::optional<std::uint8_t> cap_step_at_most(std::uint64_t wh);

// §7: the time the code was issued at the earliest; a pile raises its time floor to this when it
// accepts the code.
constexpr UnixSeconds earliest_issue_time(const Fields& f) { return expires_at(f) - kMaxLifeHours * kHour; }

}  // namespace ocpp::offline_code
