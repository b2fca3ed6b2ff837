#pragma once
// Helpers shared by the schema validator tests.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "ocpp/schema/validator.hpp"

namespace ocpp::test {

// Short names for the two message kinds, as the validator tests write them.
inline constexpr auto Req = MessageKind::Request;
inline constexpr auto Conf = MessageKind::Response;

inline rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << "test JSON does not parse: " << text;
  return d;
}

inline std::optional<ValidationError> check(SchemaValidator& v, const char* action, MessageKind kind,
                                            const std::string& json) {
  const rapidjson::Document d = parse_json(json);
  return v.validate(action, kind, d);
}

// Asserts a failure with `code` whose description contains `fragment`.
#define EXPECT_SCHEMA_ERROR(result, expected_code, fragment)                                        \
  do {                                                                                             \
    const auto& r_ = (result);                                                                     \
    ASSERT_TRUE(r_.has_value()) << "expected a validation error";                                  \
    EXPECT_EQ(r_->code, (expected_code)) << r_->description;                                        \
    EXPECT_NE(r_->description.find(fragment), std::string::npos)                                   \
        << "description \"" << r_->description << "\" lacks \"" << (fragment) << "\"";              \
  } while (false)

#define EXPECT_SCHEMA_OK(result)                                                                   \
  do {                                                                                             \
    const auto& r_ = (result);                                                                     \
    EXPECT_FALSE(r_.has_value()) << r_->description;                                               \
  } while (false)

}  // namespace ocpp::test
