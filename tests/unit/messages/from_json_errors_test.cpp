// What a peer that sends a malformed message sees: ocpp::JsonError naming the field path, never a
// crash or a silently wrong value. Full schema validation is the schema block's job; these are the
// checks the typed messages need to hold their values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ocpp/messages/serialize.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

namespace {

using testing::HasSubstr;

// The JsonError text of parsing `json` as T, or "" when it parses.
template <class T>
std::string error_of(std::string_view json) {
  try {
    (void)ocpp::parse<T>(json);
  } catch (const ocpp::JsonError& e) {
    return e.what();
  }
  return "";
}

TEST(FromJson, MissingRequiredFieldIsNamed) {
  EXPECT_EQ(error_of<ocpp::v16::BootNotificationRequest>(R"({"chargePointModel":"M1"})"),
            "chargePointVendor: required field is missing");
  EXPECT_EQ(error_of<ocpp::v16::AuthorizeResponse>(R"({"idTagInfo":{}})"),
            "idTagInfo.status: required field is missing");
}

TEST(FromJson, WrongEnumValueNamesFieldAndAllowedValues) {
  EXPECT_EQ(error_of<ocpp::v16::AuthorizeResponse>(R"({"idTagInfo":{"status":"Maybe"}})"),
            "idTagInfo.status: expected one of Accepted, Blocked, Expired, Invalid, ConcurrentTx; "
            "got \"Maybe\"");
  // Enum values are case-sensitive.
  EXPECT_THAT(error_of<ocpp::v16::AuthorizeResponse>(R"({"idTagInfo":{"status":"accepted"}})"),
              HasSubstr("idTagInfo.status: expected one of"));
}

TEST(FromJson, PathThroughArrays) {
  const char* json = R"({"connectorId":1,"meterValue":[{"timestamp":"2026-11-24T09:30:00Z",
      "sampledValue":[{"value":"1"},{"value":"2","measurand":"Energy"}]}]})";
  EXPECT_THAT(error_of<ocpp::v16::MeterValuesRequest>(json),
              HasSubstr("meterValue[0].sampledValue[1].measurand: expected one of "
                        "Energy.Active.Export.Register"));
}

TEST(FromJson, IntegersOutsideInt32AreRefused) {
  using Req = ocpp::v16::RemoteStopTransactionRequest;
  EXPECT_EQ(ocpp::parse<Req>(R"({"transactionId":2147483647})").transactionId, 2147483647);
  EXPECT_EQ(ocpp::parse<Req>(R"({"transactionId":-2147483648})").transactionId, -2147483647 - 1);
  EXPECT_THAT(error_of<Req>(R"({"transactionId":2147483648})"),
              HasSubstr("transactionId: 2147483648 is outside the int32 range"));
  EXPECT_THAT(error_of<Req>(R"({"transactionId":-2147483649})"),
              HasSubstr("transactionId: -2147483649 is outside the int32 range"));
  EXPECT_THAT(error_of<Req>(R"({"transactionId":18446744073709551615})"),
              HasSubstr("outside the int32 range"));
  EXPECT_EQ(error_of<Req>(R"({"transactionId":1.5})"),
            "transactionId: expected an integer, got 1.5");
  EXPECT_EQ(error_of<Req>(R"({"transactionId":"7"})"),
            "transactionId: expected an integer, got \"7\"");
}

TEST(FromJson, UnknownFieldsAreIgnored) {
  const auto req = ocpp::parse<ocpp::v16::BootNotificationRequest>(
      R"({"chargePointVendor":"V","chargePointModel":"M","vendorExtra":{"a":[1,2]},"x":null})");
  EXPECT_EQ(req.chargePointVendor, "V");
  EXPECT_EQ(ocpp::serialize(req), R"({"chargePointVendor":"V","chargePointModel":"M"})");
}

TEST(FromJson, DateTimeMustBeRfc3339) {
  using ocpp::v16::HeartbeatResponse;
  EXPECT_EQ(ocpp::parse<HeartbeatResponse>(R"({"currentTime":"2026-11-24T10:30:00.5+01:00"})")
                .currentTime.str(),
            "2026-11-24T09:30:00.500Z");
  for (const char* bad :
       {"2026-11-24 09:30:00Z", "2026-11-24T09:30:00", "not-a-date", "2026-04-31T09:30:00Z", ""}) {
    EXPECT_THAT(error_of<HeartbeatResponse>(R"({"currentTime":")" + std::string(bad) + "\"}"),
                HasSubstr("currentTime: expected an RFC 3339 date-time"))
        << bad;
  }
  EXPECT_THAT(error_of<HeartbeatResponse>(R"({"currentTime":1700000000})"),
              HasSubstr("currentTime: expected an RFC 3339 date-time string"));
}

TEST(FromJson, TooLongStringIsRefusedWithTheLimit) {
  EXPECT_EQ(error_of<ocpp::v16::AuthorizeRequest>(R"({"idTag":"123456789012345678901"})"),
            "idTag: string of 21 characters exceeds maxLength 20");
  // The limit counts characters: 20 two-byte characters fit in CiString<20>.
  std::string twenty_e_acute;
  for (int i = 0; i < 20; ++i) twenty_e_acute += "\xC3\xA9";
  EXPECT_EQ(error_of<ocpp::v16::AuthorizeRequest>(R"({"idTag":")" + twenty_e_acute + "\"}"), "");
}

TEST(FromJson, WrongShapesAreNamed) {
  EXPECT_EQ(error_of<ocpp::v16::HeartbeatRequest>("[]"),
            "(message): expected an object, got an array");
  EXPECT_EQ(error_of<ocpp::v16::AuthorizeResponse>(R"({"idTagInfo":"Accepted"})"),
            "idTagInfo: expected an object, got \"Accepted\"");
  EXPECT_EQ(error_of<ocpp::v16::GetConfigurationRequest>(R"({"key":"HeartbeatInterval"})"),
            "key: expected an array, got \"HeartbeatInterval\"");
  EXPECT_EQ(error_of<ocpp::v16::StopTransactionRequest>(
                R"({"meterStop":1,"timestamp":"2026-11-24T09:30:00Z","transactionId":null})"),
            "transactionId: expected an integer, got null");
  EXPECT_EQ(error_of<ocpp::v201::SetVariablesResponse>(
                R"({"setVariableResult":[{"attributeStatus":"Accepted",
      "component":{"name":"C"},"variable":{"name":true}}]})"),
            "setVariableResult[0].variable.name: expected a string, got true");
  EXPECT_THAT(error_of<ocpp::v16::HeartbeatRequest>("{"), HasSubstr("invalid JSON at offset 1"));
}

TEST(FromJson, ReadingIntoAUsedStructReplacesEverything) {
  auto req = ocpp::parse<ocpp::v16::BootNotificationRequest>(
      R"({"chargePointVendor":"V","chargePointModel":"M","iccid":"8944"})");
  rapidjson::Document doc;
  doc.Parse(R"({"chargePointVendor":"W","chargePointModel":"N"})");
  from_json(doc, req);
  EXPECT_EQ(req.chargePointVendor, "W");
  EXPECT_FALSE(req.iccid.has_value());
}

}  // namespace
