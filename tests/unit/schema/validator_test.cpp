// Version-independent behaviour of the schema validator: lookup, caching, every embedded schema.
#include <rapidjson/schema.h>

#include <set>
#include <string>
#include <utility>

#include "schema_test_support.hpp"

namespace ocpp {
namespace {

using test::check;

TEST(SchemaValidator, KnowsTheActionsOfItsVersion) {
  SchemaValidator v16(ProtocolVersion::v16);
  SchemaValidator v201(ProtocolVersion::v201);
  EXPECT_TRUE(v16.knows_action("BootNotification"));
  EXPECT_TRUE(v201.knows_action("BootNotification"));
  EXPECT_FALSE(v16.knows_action("Frobnicate"));
  EXPECT_FALSE(v201.knows_action("Frobnicate"));
  EXPECT_FALSE(v16.knows_action(""));
  EXPECT_FALSE(v16.knows_action("bootnotification"));  // action names are case-sensitive
  EXPECT_TRUE(v16.knows_action("StartTransaction"));
  EXPECT_FALSE(v201.knows_action("StartTransaction"));  // replaced by TransactionEvent in 2.0.1
  EXPECT_TRUE(v201.knows_action("TransactionEvent"));
  EXPECT_FALSE(v16.knows_action("TransactionEvent"));
  EXPECT_EQ(v16.actions().size(), 39u);
  EXPECT_EQ(v201.actions().size(), 64u);
}

TEST(SchemaValidator, UnknownActionIsNotImplemented) {
  SchemaValidator v(ProtocolVersion::v16);
  EXPECT_SCHEMA_ERROR(check(v, "Frobnicate", MessageKind::Request, "{}"), RpcErrorCode::NotImplemented,
                      "no 1.6 schema for Frobnicate.req");
}

// Every embedded schema compiles and validates `{}` without crashing; the result is either valid
// or a failure with a description.
TEST(SchemaValidator, EverySchemaCompiles) {
  for (const auto version : {ProtocolVersion::v16, ProtocolVersion::v201}) {
    SchemaValidator v(version);
    const rapidjson::Document empty = test::parse_json("{}");
    std::size_t schemas = 0;
    for (const auto action : v.actions()) {
      for (const auto kind : {MessageKind::Request, MessageKind::Response}) {
        ASSERT_TRUE(v.has_schema(action, kind)) << action;  // every action has both halves
        const auto result = v.validate(action, kind, empty);
        if (result) {
          EXPECT_EQ(result->code, RpcErrorCode::OccurrenceConstraintViolation) << action << ": " << result->description;
          EXPECT_NE(result->description.find("missing required property \""), std::string::npos) << result->description;
        }
        ++schemas;
      }
    }
    EXPECT_EQ(schemas, version == ProtocolVersion::v16 ? 78u : 128u);
  }
}

// Wrong shapes in common places, against every schema: each gives a coded error or passes, and
// nothing crashes (run under the sanitizers too).
TEST(SchemaValidator, EverySchemaSurvivesWrongShapes) {
  const char* payloads[] = {
      R"({"unknown":1})",
      R"({"timestamp":"not-a-date","status":[],"connectorId":{},"evseId":"1"})",
      R"({"meterValue":[{"timestamp":"x","sampledValue":[{}]},7,null]})",
      R"({"idTag":null,"idToken":{"idToken":"x","type":"KeyCode","additionalInfo":[{}]}})",
      R"({"chargingProfile":{"chargingSchedule":[{"chargingSchedulePeriod":[{"limit":0.15}]}]}})",
      R"({"customData":{"vendorId":"v","x":{"y":[1,2,{"z":null}]}}})",
  };
  for (const auto version : {ProtocolVersion::v16, ProtocolVersion::v201}) {
    SchemaValidator v(version);
    for (const auto action : v.actions()) {
      for (const auto kind : {MessageKind::Request, MessageKind::Response}) {
        for (const char* payload : payloads) {
          const auto result = check(v, std::string(action).c_str(), kind, payload);
          if (result) {
            EXPECT_FALSE(result->description.empty()) << action << " " << payload;
          }
        }
      }
    }
  }
}

TEST(SchemaValidator, EmptyPayloadsThatAreValid) {
  SchemaValidator v16(ProtocolVersion::v16);
  SchemaValidator v201(ProtocolVersion::v201);
  EXPECT_SCHEMA_OK(check(v16, "Heartbeat", MessageKind::Request, "{}"));
  EXPECT_SCHEMA_OK(check(v16, "MeterValues", MessageKind::Response, "{}"));
  EXPECT_SCHEMA_OK(check(v201, "Heartbeat", MessageKind::Request, "{}"));
}

TEST(SchemaValidator, CachedSchemaGivesTheSameAnswers) {
  SchemaValidator v(ProtocolVersion::v16);
  for (int i = 0; i < 3; ++i) {
    EXPECT_SCHEMA_OK(check(v, "Authorize", MessageKind::Request, R"({"idTag":"ABC"})"));
    EXPECT_SCHEMA_ERROR(check(v, "Authorize", MessageKind::Request, R"({"idTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"})"),
                        RpcErrorCode::PropertyConstraintViolation, "/idTag: string longer than maxLength 20");
  }
  SchemaValidator moved = std::move(v);
  EXPECT_SCHEMA_OK(check(moved, "Authorize", MessageKind::Request, R"({"idTag":"ABC"})"));
}

// The validator remembers the schema it used last per kind; another action, another kind or an
// unknown action must still find their own.
TEST(SchemaValidator, AlternatingActionsAndKindsFindTheirOwnSchema) {
  SchemaValidator v(ProtocolVersion::v16);
  for (int i = 0; i < 2; ++i) {
    EXPECT_SCHEMA_OK(check(v, "Authorize", MessageKind::Request, R"({"idTag":"ABC"})"));
    EXPECT_SCHEMA_ERROR(check(v, "Authorize", MessageKind::Response, R"({"idTag":"ABC"})"),
                        RpcErrorCode::FormatViolation, "/idTag: property not allowed");
    EXPECT_SCHEMA_ERROR(check(v, "Authorizf", MessageKind::Request, R"({"idTag":"ABC"})"),
                        RpcErrorCode::NotImplemented, "no 1.6 schema for Authorizf.req");
    EXPECT_SCHEMA_ERROR(check(v, "Heartbeat", MessageKind::Request, R"({"idTag":"ABC"})"),
                        RpcErrorCode::FormatViolation, "/idTag: property not allowed");
    EXPECT_SCHEMA_OK(check(v, "Heartbeat", MessageKind::Response, R"({"currentTime":"2026-11-24T09:30:00Z"})"));
  }
}

TEST(SchemaValidator, DescriptionEscapesPointerTokens) {
  SchemaValidator v(ProtocolVersion::v16);
  // RFC 6901 §3: "/" in a name is written "~1", "~" as "~0".
  EXPECT_SCHEMA_ERROR(check(v, "Heartbeat", MessageKind::Request, R"({"a/b~c":1})"), RpcErrorCode::FormatViolation,
                      "/a~1b~0c: property not allowed");
}

// The reason the validator checks multipleOf itself: RapidJSON 1.1.0 refuses decimal multiples
// (0.3 / 0.1 is 2.9999999999999996 in binary floating point).
TEST(RapidJsonFinding, MultipleOfRefusesDecimalMultiples) {
  const rapidjson::Document schema_json = test::parse_json(R"({"type":"number","multipleOf":0.1})");
  const rapidjson::SchemaDocument schema(schema_json);
  const auto accepts = [&schema](const char* number) {
    rapidjson::SchemaValidator validator(schema);
    return test::parse_json(number).Accept(validator);
  };
  EXPECT_TRUE(accepts("0.5"));
  EXPECT_FALSE(accepts("0.3"));  // a valid 1.6 limit that RapidJSON alone would refuse
}

}  // namespace
}  // namespace ocpp
