// The bounded JSON reader every outside input goes through (ocpp/common/json.hpp): nesting beyond
// kMaxJsonDepth is refused before it is built, so no input can overflow the stack.
#include "ocpp/common/json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ocpp {
namespace {

std::string nested(unsigned depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

TEST(Json, NestingUpToTheLimitIsReadAndOneLevelMoreIsRefused) {
  rapidjson::Document doc;
  EXPECT_FALSE(parse_json(doc, nested(kMaxJsonDepth)));
  ASSERT_TRUE(doc.IsArray());
  const auto e = parse_json(doc, nested(kMaxJsonDepth + 1));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->too_deep);
  EXPECT_EQ(e->offset, kMaxJsonDepth) << "stopped at the first bracket too many, before descending";
  EXPECT_EQ(e->message(), "nested deeper than 32 levels");
  // Objects count as arrays do.
  std::string objects;
  for (unsigned i = 0; i <= kMaxJsonDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kMaxJsonDepth + 1, '}');
  EXPECT_TRUE(parse_json(doc, objects)->too_deep);
  EXPECT_FALSE(parse_json(doc, "{\"a\":[1,{\"b\":[]}]}", JsonParseOptions{4, false}));
  EXPECT_TRUE(parse_json(doc, "{\"a\":[1,{\"b\":[]}]}", JsonParseOptions{3, false})->too_deep);
}

TEST(Json, AMegabyteOfBracketsIsRefusedWithoutExhaustingTheStack) {
  rapidjson::Document doc;
  const auto e = parse_json(doc, std::string(1 << 20, '['));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->too_deep);
  std::vector<char> text(512 * 1024, '[');
  text.push_back('\0');
  EXPECT_TRUE(parse_json_insitu(doc, text.data())->too_deep);
}

TEST(Json, SyntaxErrorsKeepRapidJsonsReasonAndOffset) {
  rapidjson::Document doc;
  const auto e = parse_json(doc, "{\"a\": tru}");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->too_deep);
  EXPECT_EQ(e->code, rapidjson::kParseErrorValueInvalid);
  EXPECT_EQ(e->message(), "Invalid value.");
  EXPECT_EQ(e->offset, 9u);
  EXPECT_EQ(parse_json(doc, "")->code, rapidjson::kParseErrorDocumentEmpty);
  EXPECT_FALSE(parse_json(doc, "\"\xff\"")) << "encoding is checked only when asked";
  EXPECT_EQ(parse_json(doc, "\"\xff\"", JsonParseOptions{kMaxJsonDepth, true})->code, rapidjson::kParseErrorStringInvalidEncoding);
}

TEST(Json, ADocumentIsBuiltInPlaceWithStringsIntoTheBuffer) {
  rapidjson::Document doc;
  std::string text = R"({"id":"abc","list":[1,2.5,null,true],"n":-7})";
  ASSERT_FALSE(parse_json_insitu(doc, text.data()));
  EXPECT_EQ(as_string_view(doc["id"]), "abc");
  EXPECT_GE(doc["id"].GetString(), text.data());
  EXPECT_LT(doc["id"].GetString(), text.data() + text.size());
  EXPECT_EQ(doc["list"].Size(), 4u);
  EXPECT_EQ(doc["n"].GetInt(), -7);
  EXPECT_EQ(to_string(doc), R"({"id":"abc","list":[1,2.5,null,true],"n":-7})");
}

TEST(Json, AFailedParseLeavesTheDocumentAsItWas) {
  rapidjson::Document doc;
  ASSERT_FALSE(parse_json(doc, R"({"kept":1})"));
  ASSERT_TRUE(parse_json(doc, nested(100)));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["kept"].GetInt(), 1);
}

}  // namespace
}  // namespace ocpp
