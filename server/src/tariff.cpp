#include "ocpp/server/tariff.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace ocpp::server {
namespace {

constexpr std::int64_t kMicro = 1'000'000;
constexpr std::int64_t kMaxMicroPerKwh = 10'000 * kMicro;

void set_error(std::string* error, std::string text) {
  if (error) *error = std::move(text);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Tariff> Tariff::parse(std::string_view per_kwh, std::string_view currency, std::string* error) {
  std::int64_t whole = 0, fraction = 0;
  std::size_t i = 0, whole_digits = 0, fraction_digits = 0;
  for (; i < per_kwh.size() && is_digit(per_kwh[i]); ++i, ++whole_digits) {
    whole = whole * 10 + (per_kwh[i] - '0');
    if (whole > kMaxMicroPerKwh / kMicro) {
      set_error(error, "tariff \"" + std::string(per_kwh) + "\" is above 10000 per kWh");
      return std::nullopt;
    }
  }
  if (i < per_kwh.size() && per_kwh[i] == '.') {
    for (++i; i < per_kwh.size() && is_digit(per_kwh[i]); ++i, ++fraction_digits) {
      if (fraction_digits == 6) {
        set_error(error, "tariff \"" + std::string(per_kwh) + "\" has more than 6 decimals");
        return std::nullopt;
      }
      fraction = fraction * 10 + (per_kwh[i] - '0');
    }
    if (fraction_digits == 0) i = per_kwh.size() + 1;  // "1." is not a number here
  }
  if (whole_digits == 0 || i != per_kwh.size()) {
    set_error(error, "tariff \"" + std::string(per_kwh) + "\" is not a decimal number such as 0.30");
    return std::nullopt;
  }
  for (std::size_t d = fraction_digits; d < 6; ++d) fraction *= 10;
  const std::int64_t micro = whole * kMicro + fraction;
  if (micro > kMaxMicroPerKwh) {
    set_error(error, "tariff \"" + std::string(per_kwh) + "\" is above 10000 per kWh");
    return std::nullopt;
  }
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    set_error(error, "currency \"" + std::string(currency) + "\" is not an ISO 4217 code (three upper-case letters)");
    return std::nullopt;
  }
  Tariff t;
  t.micro_per_kwh_ = micro;
  t.per_kwh_text_ = std::string(per_kwh);
  t.currency_ = std::string(currency);
  return t;
}

std::string Tariff::amount_for(std::int64_t energy_wh) const {
  if (energy_wh < 0 || energy_wh > kMaxEnergyWh) {
    throw std::out_of_range("energy " + std::to_string(energy_wh) + " Wh is outside 0.." + std::to_string(kMaxEnergyWh));
  }
  // amount = wh * micro / 10^9 units = wh * micro / 10^7 cents. Split wh so that no product
  // overflows 64 bits (wh <= 10^12, micro <= 10^10): wh = q * 10^7 + r.
  constexpr std::int64_t kCentDivisor = 10'000'000;
  const std::int64_t q = energy_wh / kCentDivisor, r = energy_wh % kCentDivisor;
  // Half-up: add half a cent before truncating (all values are non-negative).
  const std::int64_t cents = q * micro_per_kwh_ + (r * micro_per_kwh_ + kCentDivisor / 2) / kCentDivisor;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
  return buf;
}

}  // namespace ocpp::server
