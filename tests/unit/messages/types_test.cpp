// CiString and RawJson as a user of the typed messages meets them.
#include "ocpp/messages/types.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include "ocpp/messages/serialize.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

namespace {

using testing::HasSubstr;

std::string length_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::length_error& e) {
    return e.what();
  }
  return "";
}

TEST(CiString, RefusesALongerValueNamingTheLimit) {
  ocpp::v16::AuthorizeRequest req;
  EXPECT_EQ(length_error_of([&] { req.idTag = "123456789012345678901"; }),
            "CiString<20>: 21 characters exceed the limit of 20");
  EXPECT_EQ(req.idTag, "");  // unchanged by the refused assignment
  EXPECT_THAT(length_error_of([] { ocpp::CiString<5> s{std::string("abcdef")}; }), HasSubstr("5"));
  EXPECT_THAT(length_error_of([] { ocpp::CiString<5> s{std::string_view("abcdef")}; }),
              HasSubstr("5"));
  req.idTag = "12345678901234567890";  // exactly the limit
  EXPECT_EQ(req.idTag.str(), "12345678901234567890");
}

TEST(CiString, CountsCharactersNotBytes) {
  EXPECT_NO_THROW(ocpp::CiString<2>("\xC3\xA9\xC3\xA9"));  // "éé": 2 characters, 4 bytes
  EXPECT_THROW(ocpp::CiString<2>("\xC3\xA9\xC3\xA9x"), std::length_error);
}

TEST(CiString, ComparesIgnoringCaseAndKeepsTheText) {
  const ocpp::CiString<20> tag = "04a2B3c4";
  EXPECT_EQ(tag, "04A2B3C4");
  EXPECT_EQ("04A2B3C4", tag);
  EXPECT_EQ(tag, std::string("04a2b3c4"));
  EXPECT_NE(tag, "04A2B3C5");
  EXPECT_EQ(tag, ocpp::CiString<36>("04A2B3C4"));
  EXPECT_TRUE(ocpp::CiString<8>("abc") < ocpp::CiString<8>("ABD"));
  EXPECT_EQ(tag.str(), "04a2B3c4");  // serialised as given
}

TEST(RawJson, KeepsAnyValueThroughARoundTrip) {
  // 2.0.1 DataTransfer `data` has no type in the schema: any JSON value.
  const auto req = ocpp::parse<ocpp::v201::DataTransferRequest>(
      R"({"vendorId":"com.example","data":{ "list" : [1, "two", null], "ok": true }})");
  ASSERT_TRUE(req.data.has_value());
  EXPECT_EQ(req.data->text(), R"({"list":[1,"two",null],"ok":true})");
  // Fields are written in schema order, where `data` comes first.
  EXPECT_EQ(ocpp::serialize(req),
            R"({"data":{"list":[1,"two",null],"ok":true},"vendorId":"com.example"})");
  EXPECT_EQ(*req.data, ocpp::RawJson(R"({"list": [1, "two", null], "ok": true})"));
  EXPECT_EQ(ocpp::parse<ocpp::v201::DataTransferRequest>(R"({"vendorId":"v","data":"text"})")
                .data->text(),
            "\"text\"");
}

TEST(RawJson, RefusesTextThatIsNotJson) {
  EXPECT_THROW(ocpp::RawJson("{"), ocpp::JsonError);
  EXPECT_THROW(ocpp::RawJson("1 2"), ocpp::JsonError);
  EXPECT_EQ(ocpp::RawJson().text(), "null");
}

TEST(Serialize, RefusesNumbersJsonCannotCarry) {
  ocpp::v16::ChargingSchedulePeriod period;
  period.limit = std::numeric_limits<double>::quiet_NaN();
  ocpp::v16::SetChargingProfileRequest profile;
  profile.csChargingProfiles.chargingSchedule.chargingSchedulePeriod.push_back(period);
  EXPECT_THROW((void)ocpp::serialize(profile), ocpp::JsonError);
}

}  // namespace
