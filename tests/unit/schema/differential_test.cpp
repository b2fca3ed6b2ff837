// The schema block's validator against an oracle: RapidJSON 1.1.0's generic SchemaValidator on the
// verbatim schemas plus the date-time / multipleOf second pass (rapidjson_oracle.hpp), which is
// what the block answered before it compiled schemas itself. For every action, both kinds and
// both versions, on the valid samples of ocpp/messages (maximal and minimal) and on systematic
// mutations of them (payload_mutations.hpp), alone and in random pairs, the two must agree on
// valid or not; when not, the code must be the one code_for_keyword gives for the keyword the
// oracle names, and the description must start with the pointer the oracle names and mention
// the keyword.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/common/json.hpp"
#include "ocpp/v16/message_fixtures.hpp"
#include "ocpp/v201/message_fixtures.hpp"
#include "payload_mutations.hpp"
#include "rapidjson_oracle.hpp"
#include "schema_internals.hpp"

namespace ocpp {
namespace {

constexpr int kRandomPairsPerSample = 60;
constexpr int kMaxReportedDisagreements = 25;

struct Suite {
  ProtocolVersion version;
  MessageKind kind;
};

std::string suite_name(const testing::TestParamInfo<Suite>& info) {
  return std::string(info.param.version == ProtocolVersion::v16 ? "v16" : "v201") +
         (info.param.kind == MessageKind::Request ? "_Requests" : "_Responses");
}

// What a description says for each keyword.
std::string keyword_fragment(const std::string& keyword) {
  static const std::map<std::string, std::string> fragments{
      {"type", "type must be "},
      {"required", "missing required property \""},
      {"additionalProperties", "property not allowed (additionalProperties is false)"},
      {"minItems", "fewer than minItems "},
      {"maxItems", "more than maxItems "},
      {"minLength", "shorter than minLength "},
      {"maxLength", "longer than maxLength "},
      {"enum", "value not in enum ["},
      {"minimum", "is less than minimum "},
      {"maximum", "is greater than maximum "},
      {"multipleOf", "is not a multipleOf "},
      {"format", "is not an RFC 3339 date-time"},
  };
  const auto it = fragments.find(keyword);
  return it == fragments.end() ? keyword : it->second;
}

class Differential : public testing::TestWithParam<Suite> {
 protected:
  void compare(std::string_view action, const rapidjson::Value& payload, const std::string& what) {
    const MessageKind kind = GetParam().kind;
    const test::OracleVerdict expected = oracle_->check(action, kind, payload);
    const std::optional<ValidationError> got = validator_->validate(action, kind, payload);
    ++payloads_;
    if (expected.valid) {
      ++valid_;
    } else {
      ++refused_[expected.keyword];
    }

    std::string problem;
    if (expected.valid && got) {
      problem = "oracle accepts, validator refuses: " + got->description;
    } else if (!expected.valid && !got) {
      problem = "oracle refuses (" + expected.keyword + " at \"" + expected.pointer + "\"), validator accepts";
    } else if (!expected.valid) {
      const std::string prefix = expected.pointer.empty() ? "" : expected.pointer + ": ";
      const bool at_pointer = got->description.compare(0, prefix.size(), prefix) == 0 &&
                              (!prefix.empty() || got->description.compare(0, 1, "/") != 0);
      if (got->code != schema_detail::code_for_keyword(expected.keyword)) {
        problem = "code " + std::string(wire_name(got->code, GetParam().version)) + " for oracle keyword " +
                  expected.keyword + ": " + got->description;
      } else if (!at_pointer) {
        problem = "oracle names \"" + expected.pointer + "\" (" + expected.keyword +
                  "), validator: " + got->description;
      } else if (got->description.find(keyword_fragment(expected.keyword)) == std::string::npos) {
        problem = "description does not mention " + expected.keyword + ": " + got->description;
      }
    }
    if (!problem.empty() && ++disagreements_ <= kMaxReportedDisagreements) {
      ADD_FAILURE() << action << (kind == MessageKind::Request ? ".req" : ".conf") << ", " << what << ": "
                    << problem << "\n  payload: " << to_string(payload);
    }
  }

  void SetUp() override {
    const bool v16 = GetParam().version == ProtocolVersion::v16;
    const char* file = v16 ? "/schemas/v16/ocpp1_6.json" : "/schemas/v201/ocpp2_0_1.json";
    oracle_ = std::make_unique<test::RapidJsonOracle>(std::string(OCPP_SOURCE_DIR) + file);
    validator_ = std::make_unique<SchemaValidator>(GetParam().version);
  }

  std::unique_ptr<test::RapidJsonOracle> oracle_;
  std::unique_ptr<SchemaValidator> validator_;
  std::int64_t payloads_ = 0;
  std::int64_t valid_ = 0;
  std::map<std::string, std::int64_t> refused_;
  int disagreements_ = 0;
};

TEST_P(Differential, AgreesWithRapidJsonOracle) {
  const Suite suite = GetParam();
  const auto& fixtures = suite.version == ProtocolVersion::v16 ? v16::fixtures::message_fixtures()
                                                               : v201::fixtures::message_fixtures();
  const std::string_view direction = suite.kind == MessageKind::Request ? "Request" : "Response";
  std::size_t schemas = 0;
  for (const MessageFixture& fixture : fixtures) {
    if (fixture.direction != direction) continue;
    ASSERT_TRUE(oracle_->has_schema(fixture.action, suite.kind)) << fixture.action;
    ++schemas;
    for (const std::string_view sample : {fixture.maximal, fixture.minimal}) {
      rapidjson::Document base;
      base.Parse(sample.data(), sample.size());
      ASSERT_FALSE(base.HasParseError()) << sample;
      // The samples are valid: both must say so.
      compare(fixture.action, base, "the sample itself");
      ASSERT_TRUE(oracle_->check(fixture.action, suite.kind, base).valid) << sample;

      const std::vector<test::Mutation> mutations = test::mutations_of(base);
      for (const test::Mutation& m : mutations) {
        rapidjson::Document changed;
        changed.CopyFrom(base, changed.GetAllocator());
        test::apply(m, changed);
        compare(fixture.action, changed, m.label);
      }
      // Two changes at once: which failure is reported when there are several.
      std::mt19937 random(static_cast<std::uint32_t>(std::hash<std::string_view>{}(fixture.action) + sample.size()));
      std::uniform_int_distribution<std::size_t> pick(0, mutations.size() - 1);
      for (int i = 0; i < kRandomPairsPerSample && !mutations.empty(); ++i) {
        const test::Mutation& first = mutations[pick(random)];
        const test::Mutation& second = mutations[pick(random)];
        rapidjson::Document changed;
        changed.CopyFrom(base, changed.GetAllocator());
        test::apply(first, changed);
        test::apply(second, changed);
        compare(fixture.action, changed, first.label + " and " + second.label);
      }
    }
  }
  EXPECT_EQ(schemas, validator_->actions().size());
  EXPECT_EQ(disagreements_, 0) << "disagreements (the first " << kMaxReportedDisagreements << " are shown above)";

  // Coverage: every keyword the schemas of this kind use was refused for at least once.
  for (const std::string& keyword : oracle_->keywords(suite.kind)) {
    EXPECT_GT(refused_[keyword], 0) << "no payload violates " << keyword;
  }
  std::cout << "[ payloads ] " << suite_name({suite, 0}) << ": " << schemas << " schemas, " << payloads_
            << " payloads, " << valid_ << " valid;";
  for (const auto& [keyword, count] : refused_) std::cout << " " << keyword << " " << count << ";";
  std::cout << "\n";
}

INSTANTIATE_TEST_SUITE_P(AllSchemas, Differential,
                         testing::Values(Suite{ProtocolVersion::v16, MessageKind::Request},
                                         Suite{ProtocolVersion::v16, MessageKind::Response},
                                         Suite{ProtocolVersion::v201, MessageKind::Request},
                                         Suite{ProtocolVersion::v201, MessageKind::Response}),
                         suite_name);

}  // namespace
}  // namespace ocpp
