// The schema compiler refuses what it would not check (so that a refresh of schemas/ cannot
// silently weaken validation), and the pieces the compiled validator is built from.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "schema_internals.hpp"
#include "schema_test_support.hpp"

namespace ocpp {
namespace {

using schema_detail::CompiledSchema;

// Compiling `schema` throws std::runtime_error whose message contains `fragment`.
void expect_refused(const std::string& schema, const std::string& fragment) {
  try {
    CompiledSchema compiled(schema);
    ADD_FAILURE() << "compiled: " << schema;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(SchemaCompiler, RefusesKeywordsItDoesNotImplement) {
  for (const char* keyword : {"pattern", "exclusiveMinimum", "exclusiveMaximum", "uniqueItems", "allOf", "anyOf",
                              "oneOf", "not", "minProperties", "maxProperties", "dependencies", "patternProperties",
                              "const", "contains", "propertyNames", "if", "javaType"}) {
    SCOPED_TRACE(keyword);
    expect_refused(std::string(R"({"type":"object","properties":{"a":{"type":"string",")") + keyword + R"(":1}}})",
                   std::string("unsupported JSON Schema keyword \"") + keyword + "\"");
  }
  // Where: the message points into the schema.
  expect_refused(R"({"type":"object","properties":{"a/b":{"type":"string","pattern":"x"}}})",
                 "schema at #/properties/a~1b: unsupported JSON Schema keyword \"pattern\"");
}

TEST(SchemaCompiler, RefusesFormsItDoesNotImplement) {
  expect_refused(R"({"format":"email"})", "unsupported \"format\" \"email\"");
  expect_refused(R"({"items":[{"type":"string"}]})", "\"items\" other than one schema");
  expect_refused(R"({"additionalProperties":{"type":"string"}})", "\"additionalProperties\" other than true or false");
  expect_refused(R"({"enum":[1,2]})", "\"enum\" with a value other than a string");
  expect_refused(R"({"enum":[]})", "\"enum\" must be a non-empty array");
  expect_refused(R"({"type":"text"})", "unknown type \"text\"");
  expect_refused(R"({"maxLength":-1})", "\"maxLength\" must be a non-negative integer");
  expect_refused(R"({"minimum":"0"})", "\"minimum\" must be a number");
  expect_refused(R"({"multipleOf":0})", "\"multipleOf\" must be greater than 0");
  expect_refused(R"({"properties":{"a":true}})", "a schema must be a JSON object");
  expect_refused(R"({"type":"string","type":"integer"})", "keyword \"type\" appears twice");
}

TEST(SchemaCompiler, RefusesBadReferences) {
  expect_refused(R"({"properties":{"a":{"$ref":"other.json#/definitions/X"}}})", "is not local");
  expect_refused(R"({"properties":{"a":{"$ref":"#/definitions/Missing"}}})", "points at nothing");
  expect_refused(R"({"properties":{"a":{"$ref":"#/definitions/X","maxLength":3}},)"
                 R"("definitions":{"X":{"type":"string"}}})",
                 "keyword \"maxLength\" next to $ref");
  expect_refused(R"({"properties":{"a":{"$ref":"#/definitions/A"}},)"
                 R"("definitions":{"A":{"$ref":"#/definitions/B"},"B":{"$ref":"#/definitions/A"}}})",
                 "$ref chain is circular");
  // A definition that contains itself would let a payload drive the validator's recursion depth.
  expect_refused(R"({"$ref":"#/definitions/Node","definitions":)"
                 R"({"Node":{"type":"object","properties":{"child":{"$ref":"#/definitions/Node"}}}}})",
                 "recursive schema");
}

TEST(SchemaCompiler, AcceptsAnnotationsAndSharesDefinitions) {
  const CompiledSchema compiled(
      R"({"$schema":"http://json-schema.org/draft-06/schema#","$id":"urn:X.req","title":"t","description":"d",
          "$comment":"c","type":"object","additionalProperties":false,
          "definitions":{"S":{"type":"string","maxLength":2,"default":"ab"}},
          "properties":{"a":{"$ref":"#/definitions/S","description":"d"},"b":{"$ref":"#/definitions/S"},
                        "u":{"type":"string","format":"uri"}},"required":["a"]})");
  const auto check = [&compiled](const char* json) { return compiled.validate(test::parse_json(json)); };
  EXPECT_SCHEMA_OK(check(R"({"a":"ab","b":"c","u":"not a uri"})"));
  EXPECT_SCHEMA_ERROR(check(R"({"a":"ab","b":"abc"})"), RpcErrorCode::PropertyConstraintViolation,
                      "/b: string longer than maxLength 2");
  EXPECT_SCHEMA_ERROR(check(R"({"b":"a"})"), RpcErrorCode::OccurrenceConstraintViolation,
                      "missing required property \"a\"");
}

// RapidJSON 1.1.0 lists a required name that `properties` lacks among the object's properties
// with an empty schema: present, it is allowed even with additionalProperties false.
TEST(SchemaCompiler, RequiredNameWithoutPropertyTakesAnything) {
  const CompiledSchema compiled(R"({"type":"object","additionalProperties":false,"required":["x"]})");
  EXPECT_SCHEMA_OK(compiled.validate(test::parse_json(R"({"x":[1,{"y":null}]})")));
  EXPECT_SCHEMA_ERROR(compiled.validate(test::parse_json("{}")), RpcErrorCode::OccurrenceConstraintViolation,
                      "missing required property \"x\"");
}

TEST(SchemaCompiler, TypeArraysAndNumberRanges) {
  const CompiledSchema compiled(
      R"({"type":"object","properties":{"n":{"type":["integer","null"],"minimum":-5,"maximum":10},
          "d":{"type":"number","minimum":0.5,"maximum":1e20}}})");
  const auto check = [&compiled](const char* json) { return compiled.validate(test::parse_json(json)); };
  EXPECT_SCHEMA_OK(check(R"({"n":null,"d":0.5})"));
  EXPECT_SCHEMA_OK(check(R"({"n":-5,"d":18446744073709551615})"));
  EXPECT_SCHEMA_ERROR(check(R"({"n":"1"})"), RpcErrorCode::TypeConstraintViolation,
                      R"(/n: type must be ["integer","null"], got string)");
  EXPECT_SCHEMA_ERROR(check(R"({"n":1.0})"), RpcErrorCode::TypeConstraintViolation, "/n: type must be");
  EXPECT_SCHEMA_ERROR(check(R"({"n":-6})"), RpcErrorCode::PropertyConstraintViolation,
                      "/n: -6 is less than minimum -5");
  EXPECT_SCHEMA_ERROR(check(R"({"n":18446744073709551615})"), RpcErrorCode::PropertyConstraintViolation,
                      "is greater than maximum 10");
  EXPECT_SCHEMA_ERROR(check(R"({"d":0})"), RpcErrorCode::PropertyConstraintViolation, "/d: 0 is less than minimum 0.5");
}

TEST(StringSet, FindsExactlyItsMembers) {
  const schema_detail::StringSet set({"Energy.Active.Import.Register", "Energy.Reactive.Import.Register",
                                      "Energy.Active.Export.Register", "A", "", "Energy.Active.Import.Register"});
  for (const char* member : {"Energy.Active.Import.Register", "Energy.Reactive.Import.Register",
                             "Energy.Active.Export.Register", "A", ""}) {
    EXPECT_TRUE(set.contains(member)) << member;
  }
  for (const char* other : {"Energy.Active.Import.Registe", "energy.active.import.register", "B", "AA",
                            "Energy.Active.Import.Register "}) {
    EXPECT_FALSE(set.contains(other)) << other;
  }
  EXPECT_EQ(set.values().size(), 6u);  // the schema's list, for descriptions
  EXPECT_FALSE(schema_detail::StringSet().contains("A"));
}

TEST(ValueChecks, CountsCodePointsLikeRapidJson) {
  using schema_detail::count_code_points;
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("\xC3\xA9t\xC3\xA9"), 3u);         // "été"
  EXPECT_EQ(count_code_points("\xF0\x9F\x94\x8C"), 1u);          // a 4-byte character
  EXPECT_EQ(count_code_points(std::string_view("a\0b", 3)), 3u);  // NUL is a character
  EXPECT_FALSE(count_code_points("ab\xC3").has_value());          // truncated at the end
  EXPECT_FALSE(count_code_points("\xFF").has_value());
  EXPECT_FALSE(count_code_points("\xC0\xAF").has_value());        // overlong
  EXPECT_FALSE(count_code_points("\xED\xA0\x80").has_value());    // a UTF-16 surrogate
}

TEST(ValueChecks, ComparesIntegersExactly) {
  using schema_detail::is_greater;
  using schema_detail::is_less;
  const auto n = [](const char* json) { return test::parse_json(json); };
  EXPECT_TRUE(is_less(n("-1"), n("0")));
  EXPECT_FALSE(is_less(n("0"), n("0")));
  EXPECT_TRUE(is_greater(n("9007199254740993"), n("9007199254740992")));  // equal as doubles
  EXPECT_TRUE(is_less(n("-9223372036854775808"), n("18446744073709551615")));
  EXPECT_TRUE(is_greater(n("18446744073709551615"), n("-1")));
  EXPECT_FALSE(is_greater(n("-1"), n("18446744073709551615")));
  EXPECT_TRUE(is_less(n("0.4"), n("0.5")));
  EXPECT_TRUE(is_greater(n("101"), n("100.5")));
}

}  // namespace
}  // namespace ocpp
