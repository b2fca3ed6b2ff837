// The amount of a settlement, exact to the cent, and the per-user rate limit.
#include "ocpp/server/rate_limit.hpp"
#include "ocpp/server/tariff.hpp"
#include "server_test_support.hpp"

namespace ocpp::server::test {
namespace {

Tariff tariff(const char* per_kwh, const char* currency = "EUR") {
  std::string why;
  auto t = Tariff::parse(per_kwh, currency, &why);
  if (!t) throw std::runtime_error(why);
  return *t;
}

std::string refusal(const char* per_kwh, const char* currency = "EUR") {
  std::string why;
  return Tariff::parse(per_kwh, currency, &why) ? "(accepted)" : why;
}

TEST(Tariff, TheDefaultIs30CentsAKilowattHourInEuro) {
  const Tariff t;
  EXPECT_EQ(t.per_kwh(), "0.30");
  EXPECT_EQ(t.currency(), "EUR");
  EXPECT_EQ(t.amount_for(10'000), "3.00");
}

TEST(Tariff, AmountsAreRoundedHalfUpToCents) {
  EXPECT_EQ(tariff("0.30").amount_for(15'432), "4.63");   // 4.6296
  EXPECT_EQ(tariff("0.30").amount_for(15'417), "4.63");   // 4.6251
  EXPECT_EQ(tariff("0.30").amount_for(15'415), "4.62");   // 4.6245
  // Exactly half a cent goes up; a binary double of 0.005 is below it and would round down.
  EXPECT_EQ(tariff("0.5").amount_for(10), "0.01");         // 0.005
  EXPECT_EQ(tariff("0.25").amount_for(10), "0.00");        // 0.0025
  EXPECT_EQ(tariff("0.35").amount_for(1'000), "0.35");
  EXPECT_EQ(tariff("0.123456").amount_for(1'000'000), "123.46");  // 123.456
  EXPECT_EQ(tariff("0.30").amount_for(0), "0.00");
  EXPECT_EQ(tariff("0").amount_for(50'000), "0.00");
  EXPECT_EQ(tariff("10000").amount_for(Tariff::kMaxEnergyWh), "10000000000000.00");
  EXPECT_THROW(tariff("0.30").amount_for(-1), std::out_of_range);
  EXPECT_THROW(tariff("0.30").amount_for(Tariff::kMaxEnergyWh + 1), std::out_of_range);
}

TEST(Tariff, WrongTariffsAndCurrenciesAreRefusedSayingWhy) {
  EXPECT_EQ(tariff("1").per_kwh(), "1");
  EXPECT_EQ(tariff("0.30", "CHF").currency(), "CHF");
  EXPECT_NE(refusal("abc").find("not a decimal number"), std::string::npos);
  EXPECT_NE(refusal("-0.30").find("not a decimal number"), std::string::npos);
  EXPECT_NE(refusal("1.").find("not a decimal number"), std::string::npos);
  EXPECT_NE(refusal(".5").find("not a decimal number"), std::string::npos);
  EXPECT_NE(refusal("0,30").find("not a decimal number"), std::string::npos);
  EXPECT_NE(refusal("").find("not a decimal number"), std::string::npos);
  EXPECT_NE(refusal("0.1234567").find("more than 6 decimals"), std::string::npos);
  EXPECT_NE(refusal("10000.01").find("above 10000"), std::string::npos);
  EXPECT_NE(refusal("99999999999999999999").find("above 10000"), std::string::npos);
  EXPECT_NE(refusal("0.30", "eur").find("ISO 4217"), std::string::npos);
  EXPECT_NE(refusal("0.30", "EURO").find("ISO 4217"), std::string::npos);
}

TEST(RateLimit, TheEleventhCodeInAnHourWaitsUntilTheOldestLeavesTheWindow) {
  const RateLimit limit(10, 3600);
  const std::int64_t now = 1'000'000;
  std::vector<std::int64_t> recent;
  for (int i = 0; i < 9; ++i) recent.push_back(now - 3000 + i * 60);
  EXPECT_FALSE(limit.retry_after(recent, now)) << "the tenth is still allowed";
  recent.push_back(now - 100);
  const auto wait = limit.retry_after(recent, now);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 600) << "the oldest (issued 3000 s ago) leaves the hour in 600 s";
  EXPECT_EQ(limit.window_start(now), now - 3600);
  EXPECT_EQ(*RateLimit(1, 3600).retry_after({now}, now), 3600);
  EXPECT_EQ(*RateLimit(1, 3600).retry_after({now - 3600 + 0}, now), 1) << "never 0: Retry-After must be positive";
  EXPECT_THROW(RateLimit(0, 3600), std::invalid_argument);
}

}  // namespace
}  // namespace ocpp::server::test
