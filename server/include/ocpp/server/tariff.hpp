#pragma once
// What a kWh costs (`--tariff-per-kwh`, `--currency`), and the amount of a settled session: an exact
// decimal string, never a binary floating-point number, so that what the driver is billed is what a
// person computing by hand gets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocpp::server {

class Tariff {
 public:
  static constexpr std::int64_t kMaxEnergyWh = 1'000'000'000'000;  // 1 TWh: far above any session

  Tariff() = default;  // 0.30 EUR per kWh
  // `per_kwh`: a non-negative decimal with at most 6 decimals and at most 10000 ("0.30", "1", "0.125").
  // `currency`: an ISO 4217 code, three upper-case letters ("EUR"). nullopt with `error` saying what
  // is wrong.
  static std::optional<Tariff> parse(std::string_view per_kwh, std::string_view currency, std::string* error = nullptr);

  const std::string& per_kwh() const { return per_kwh_text_; }
  const std::string& currency() const { return currency_; }
  // energy_wh / 1000 * per_kwh, rounded half-up to cents (two decimals): "4.63". Throws
  // std::out_of_range unless 0 <= energy_wh <= kMaxEnergyWh.
  std::string amount_for(std::int64_t energy_wh) const;

 private:
  std::int64_t micro_per_kwh_ = 300'000;  // the price of one kWh in millionths of the currency unit
  std::string per_kwh_text_ = "0.30";
  std::string currency_ = "EUR";
};

}  // namespace ocpp::server
