// Coarse units of the code's fields (docs/offline-code.md section 2).
#include "ocpp/offline_code/fields.hpp"

#include <array>
#include <limits>
#include <stdexcept>
#include <string>

namespace ocpp::offline_code {
namespace {

// §2: energy cap steps in Wh; index 0 = no cap.
constexpr std::array<std::uint32_t, 8> kCapWh{0, 500, 1000, 2000, 5000, 10000, 20000, 50000};

}  // namespace

std::uint32_t expiry_hours_for(UnixSeconds issued_at, unsigned valid_hours) {
  if (valid_hours < 1 || valid_hours > kMaxValidHours) {
    throw std::invalid_argument("validity must be 1.." + std::to_string(kMaxValidHours) + " hours, got " +
                                std::to_string(valid_hours));
  }
  // §2: ceil((t + 3600 H - EPOCH) / 3600), so that at least H hours remain.
  const UnixSeconds end = issued_at + kHour * static_cast<UnixSeconds>(valid_hours) - kEpoch;
  if (end <= 0) throw std::invalid_argument("the code would expire before the code epoch 2025-01-01T00:00:00Z");
  const UnixSeconds hours = (end + kHour - 1) / kHour;
  if (hours > static_cast<UnixSeconds>(std::numeric_limits<std::uint32_t>::max())) {
    throw std::invalid_argument("the expiry is beyond 2^32 hours after the code epoch");
  }
  return static_cast<std::uint32_t>(hours);
}

std::optional<std::uint32_t> energy_cap_wh(std::uint8_t cap_step) {
  if (cap_step > kMaxCapStep) throw std::out_of_range("energy cap step must be 0..7");
  if (cap_step == 0) return std::nullopt;
  return kCapWh[cap_step];
}

std::optional<std::uint8_t> cap_step_at_most(std::uint64_t wh) {
  for (std::size_t step = kCapWh.size() - 1; step >= 1; --step) {
    if (kCapWh[step] <= wh) return static_cast<std::uint8_t>(step);
  }
  return std::nullopt;
}

}  // namespace ocpp::offline_code
