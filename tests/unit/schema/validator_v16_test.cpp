// OCPP 1.6 payloads against the embedded 1.6 schemas (with the security extension).
#include <string>

#include "schema_test_support.hpp"

namespace ocpp {
namespace {

using test::check;
using test::Conf;
using test::Req;

class SchemaV16 : public ::testing::Test {
 protected:
  SchemaValidator v{ProtocolVersion::v16};
};

TEST_F(SchemaV16, ValidBootNotificationPasses) {
  EXPECT_SCHEMA_OK(check(v, "BootNotification", Req,
                         R"({"chargePointVendor":"Acme","chargePointModel":"Pile-22","firmwareVersion":"1.0.0"})"));
  EXPECT_SCHEMA_OK(check(v, "BootNotification", Conf,
                         R"({"status":"Accepted","currentTime":"2026-11-24T09:30:00.000Z","interval":300})"));
}

TEST_F(SchemaV16, MissingRequiredIsOccurrenceViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "Authorize", Req, "{}"), RpcErrorCode::OccurrenceConstraintViolation,
                      "missing required property \"idTag\"");
  // Nested: the description names the object that lacks the property.
  EXPECT_SCHEMA_ERROR(check(v, "Authorize", Conf, R"({"idTagInfo":{}})"), RpcErrorCode::OccurrenceConstraintViolation,
                      "/idTagInfo: missing required property \"status\"");
}

TEST_F(SchemaV16, WrongTypeIsTypeViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "StatusNotification", Req,
                            R"({"connectorId":"1","errorCode":"NoError","status":"Available"})"),
                      RpcErrorCode::TypeConstraintViolation, "/connectorId: type must be integer, got string");
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Conf,
                            R"({"status":"Accepted","currentTime":"2026-11-24T09:30:00Z","interval":1.5})"),
                      RpcErrorCode::TypeConstraintViolation, "/interval");
}

TEST_F(SchemaV16, TooLongIsPropertyViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req,
                            R"({"chargePointVendor":"ABCDEFGHIJKLMNOPQRSTU","chargePointModel":"M"})"),
                      RpcErrorCode::PropertyConstraintViolation, "/chargePointVendor: string longer than maxLength 20");
  // 20 characters exactly is fine; maxLength counts characters, not UTF-8 bytes.
  EXPECT_SCHEMA_OK(check(v, "BootNotification", Req,
                         R"({"chargePointVendor":"ABCDEFGHIJKLMNOPQRST","chargePointModel":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"})"));
}

TEST_F(SchemaV16, EnumViolationListsTheAllowedValues) {
  EXPECT_SCHEMA_ERROR(check(v, "Authorize", Conf, R"({"idTagInfo":{"status":"Maybe"}})"),
                      RpcErrorCode::PropertyConstraintViolation,
                      "/idTagInfo/status: value not in enum [Accepted, Blocked, Expired, Invalid, ConcurrentTx]");
}

TEST_F(SchemaV16, AdditionalPropertyIsFormationViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req,
                            R"({"chargePointVendor":"Acme","chargePointModel":"M","colour":"red"})"),
                      RpcErrorCode::FormatViolation, "/colour: property not allowed (additionalProperties is false)");
  EXPECT_EQ(wire_name(RpcErrorCode::FormatViolation, ProtocolVersion::v16), "FormationViolation");
}

TEST_F(SchemaV16, NonObjectPayloadIsFormationViolation) {
  for (const char* payload : {"[]", "\"BootNotification\"", "42", "null", "true"}) {
    const auto result = check(v, "BootNotification", Req, payload);
    ASSERT_TRUE(result.has_value()) << payload;
    EXPECT_EQ(result->code, RpcErrorCode::FormatViolation) << payload;
    EXPECT_NE(result->description.find("payload must be a JSON object"), std::string::npos) << result->description;
  }
}

TEST_F(SchemaV16, BadDateTimeIsPropertyViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "StatusNotification", Req,
                            R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"not-a-date"})"),
                      RpcErrorCode::PropertyConstraintViolation,
                      "/timestamp: \"not-a-date\" is not an RFC 3339 date-time");
  EXPECT_SCHEMA_ERROR(check(v, "StatusNotification", Req,
                            R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"2026-11-24 09:30:00Z"})"),
                      RpcErrorCode::PropertyConstraintViolation, "/timestamp");
  EXPECT_SCHEMA_OK(check(v, "StatusNotification", Req,
                         R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"2026-11-24T10:30:00+01:00"})"));
}

TEST_F(SchemaV16, DateTimeInsideAnArrayOfObjects) {
  const std::string payload = R"({"connectorId":1,"meterValue":[
      {"timestamp":"2026-11-24T09:30:00Z","sampledValue":[{"value":"10","format":"Raw"}]},
      {"timestamp":"2023-02-29T09:31:00Z","sampledValue":[{"value":"20"}]}]})";
  EXPECT_SCHEMA_ERROR(check(v, "MeterValues", Req, payload), RpcErrorCode::PropertyConstraintViolation,
                      "/meterValue/1/timestamp: \"2023-02-29T09:31:00Z\" is not an RFC 3339 date-time");
  // "format" as a property name (sampledValue.format) is data, not the keyword.
  EXPECT_SCHEMA_OK(check(v, "MeterValues", Req,
                         R"({"connectorId":1,"meterValue":[{"timestamp":"2026-11-24T09:30:00Z","sampledValue":[{"value":"10","format":"SignedData"}]}]})"));
}

TEST_F(SchemaV16, ResponsesAreValidatedToo) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Conf,
                            R"({"status":"Accepted","currentTime":"yesterday","interval":300})"),
                      RpcErrorCode::PropertyConstraintViolation, "/currentTime: \"yesterday\" is not an RFC 3339");
  EXPECT_SCHEMA_ERROR(check(v, "StartTransaction", Conf, R"({"idTagInfo":{"status":"Accepted"}})"),
                      RpcErrorCode::OccurrenceConstraintViolation, "missing required property \"transactionId\"");
  EXPECT_SCHEMA_OK(check(v, "Heartbeat", Conf, R"({"currentTime":"2026-11-24T09:30:00Z"})"));
  EXPECT_SCHEMA_ERROR(check(v, "Authorize", Conf, R"({"idTagInfo":{"status":"Accepted","expiryDate":"2026-04-31T00:00:00Z"}})"),
                      RpcErrorCode::PropertyConstraintViolation, "/idTagInfo/expiryDate");
}

TEST_F(SchemaV16, MinItemsIsOccurrenceViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "GetInstalledCertificateIds", Conf, R"({"status":"Accepted","certificateHashData":[]})"),
                      RpcErrorCode::OccurrenceConstraintViolation, "/certificateHashData: array has 0 items, fewer than minItems 1");
}

// 1.6 limits are multipleOf 0.1. Binary floating point makes 0.3 / 0.1 = 2.9999999999999996, which
// RapidJSON 1.1.0 refuses; the validator accepts decimal multiples and refuses the rest.
TEST_F(SchemaV16, MultipleOfAcceptsDecimalMultiples) {
  const auto profile = [](const std::string& limit) {
    return R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,
        "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
        "chargingSchedule":{"chargingRateUnit":"A","startSchedule":"2026-11-24T09:30:00Z",
        "chargingSchedulePeriod":[{"startPeriod":0,"limit":)" +
           limit + "}]}}}";
  };
  for (const char* ok : {"0.3", "32.1", "16", "16.0", "0", "7.7", "1234.5", "0.1"}) {
    SCOPED_TRACE(ok);
    EXPECT_SCHEMA_OK(check(v, "SetChargingProfile", Req, profile(ok)));
  }
  for (const char* bad : {"0.15", "32.05", "16.01"}) {
    EXPECT_SCHEMA_ERROR(check(v, "SetChargingProfile", Req, profile(bad)), RpcErrorCode::PropertyConstraintViolation,
                        "/csChargingProfiles/chargingSchedule/chargingSchedulePeriod/0/limit: " + std::string(bad) +
                            " is not a multipleOf 0.1");
  }
  // A bad start time deeper in the same profile is still found.
  EXPECT_SCHEMA_ERROR(check(v, "SetChargingProfile", Req,
                            R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,
        "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
        "chargingSchedule":{"chargingRateUnit":"A","startSchedule":"2026-11-24T09:30:00",
        "chargingSchedulePeriod":[{"startPeriod":0,"limit":6.0}]}}})"),
                      RpcErrorCode::PropertyConstraintViolation,
                      "/csChargingProfiles/chargingSchedule/startSchedule");
}

TEST_F(SchemaV16, SecurityExtensionUsesDefinitions) {
  EXPECT_SCHEMA_OK(check(v, "SignedUpdateFirmware", Req,
                         R"({"requestId":1,"firmware":{"location":"https://x/fw","retrieveDateTime":"2026-11-24T09:30:00Z","signingCertificate":"c","signature":"s"}})"));
  EXPECT_SCHEMA_ERROR(check(v, "SignedUpdateFirmware", Req,
                            R"({"requestId":1,"firmware":{"location":"https://x/fw","retrieveDateTime":"soon","signingCertificate":"c","signature":"s"}})"),
                      RpcErrorCode::PropertyConstraintViolation, "/firmware/retrieveDateTime");
  EXPECT_SCHEMA_ERROR(check(v, "CertificateSigned", Conf, R"({"status":"Perhaps"})"),
                      RpcErrorCode::PropertyConstraintViolation, "/status: value not in enum [Accepted, Rejected]");
}

TEST_F(SchemaV16, DescriptionsStayShortForHugeValues) {
  const std::string huge(100000, 'x');
  const auto result = check(v, "StatusNotification", Req,
                            R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":")" + huge + "\"}");
  ASSERT_TRUE(result.has_value());
  EXPECT_LT(result->description.size(), 200u) << result->description;
}

}  // namespace
}  // namespace ocpp
