// Every action of both versions, request and response, survives JSON -> struct -> JSON with an
// equal JSON value, and JSON -> struct -> JSON -> struct with an equal struct. The samples are
// generated from the schemas (tools/codegen/fixtures.py), so a new action is covered by itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/v16/message_fixtures.hpp"
#include "ocpp/v201/message_fixtures.hpp"

namespace {

struct Case {
  std::string version;
  ocpp::MessageFixture fixture;
  bool maximal;
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  const std::pair<const char*, const std::vector<ocpp::MessageFixture>*> versions[] = {
      {"v16", &ocpp::v16::fixtures::message_fixtures()},
      {"v201", &ocpp::v201::fixtures::message_fixtures()}};
  for (const auto& [version, fixtures] : versions) {
    for (const ocpp::MessageFixture& f : *fixtures) {
      cases.push_back({version, f, true});
      cases.push_back({version, f, false});
    }
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  return c.version + "_" + std::string(c.fixture.action) + "_" + std::string(c.fixture.direction) +
         (c.maximal ? "_maximal" : "_minimal");
}

class RoundTrip : public testing::TestWithParam<Case> {};

TEST_P(RoundTrip, JsonAndStructSurvive) {
  const Case& c = GetParam();
  const std::string_view json = c.maximal ? c.fixture.maximal : c.fixture.minimal;
  EXPECT_EQ(c.fixture.round_trip(json), "") << json;
}

INSTANTIATE_TEST_SUITE_P(AllMessages, RoundTrip, testing::ValuesIn(all_cases()), case_name);

// The check itself sees a difference: an unknown field is dropped by from_json, so the JSON written
// back differs from the sample.
TEST(RoundTripCheck, ReportsADifference) {
  EXPECT_THAT(ocpp::round_trip_mismatch<ocpp::v16::HeartbeatRequest>(R"({"unknown":1})"),
              testing::StartsWith("serialised JSON differs: {}"));
  EXPECT_EQ(ocpp::round_trip_mismatch<ocpp::v16::HeartbeatRequest>("{}"), "");
}

// The fixtures cover each action exactly once per direction.
template <class Fixtures>
void expect_every_action_covered(const std::vector<std::string_view>& actions,
                                 const Fixtures& fixtures) {
  std::set<std::pair<std::string_view, std::string_view>> expected;
  for (const std::string_view action : actions) {
    expected.insert({action, "Request"});
    expected.insert({action, "Response"});
  }
  std::set<std::pair<std::string_view, std::string_view>> covered;
  for (const ocpp::MessageFixture& f : fixtures) covered.insert({f.action, f.direction});
  EXPECT_EQ(covered, expected);
  EXPECT_EQ(fixtures.size(), expected.size());
}

TEST(RoundTripCoverage, EveryV16ActionBothDirections) {
  expect_every_action_covered(ocpp::v16::actions(), ocpp::v16::fixtures::message_fixtures());
  EXPECT_EQ(ocpp::v16::actions().size(), 39U);  // 28 core actions + 11 of the security extension
}

TEST(RoundTripCoverage, EveryV201ActionBothDirections) {
  expect_every_action_covered(ocpp::v201::actions(), ocpp::v201::fixtures::message_fixtures());
  EXPECT_EQ(ocpp::v201::actions().size(), 64U);
}

}  // namespace
