// OCPP 2.0.1 payloads against the embedded 2.0.1 schemas (definitions + $ref throughout).
#include <string>

#include "schema_test_support.hpp"

namespace ocpp {
namespace {

using test::check;
using test::Conf;
using test::Req;

class SchemaV201 : public ::testing::Test {
 protected:
  SchemaValidator v{ProtocolVersion::v201};
};

std::string transaction_event(const std::string& timestamp, const std::string& meter_value = "") {
  return R"({"eventType":"Started","timestamp":")" + timestamp +
         R"(","triggerReason":"CablePluggedIn","seqNo":0,"transactionInfo":{"transactionId":"tx-1"})" +
         (meter_value.empty() ? "" : R"(,"meterValue":)" + meter_value) + "}";
}

TEST_F(SchemaV201, ValidBootNotificationPasses) {
  EXPECT_SCHEMA_OK(check(v, "BootNotification", Req,
                         R"({"reason":"PowerUp","chargingStation":{"model":"Pile-22","vendorName":"Acme",
                             "modem":{"iccid":"8931"}}})"));
  EXPECT_SCHEMA_OK(check(v, "BootNotification", Conf,
                         R"({"currentTime":"2026-11-24T09:30:00Z","interval":300,"status":"Accepted"})"));
}

TEST_F(SchemaV201, MissingRequiredIsOccurrenceViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req, R"({"chargingStation":{"model":"M","vendorName":"V"}})"),
                      RpcErrorCode::OccurrenceConstraintViolation, "missing required property \"reason\"");
  // Inside a $ref'd definition.
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req, R"({"reason":"PowerUp","chargingStation":{"model":"M"}})"),
                      RpcErrorCode::OccurrenceConstraintViolation,
                      "/chargingStation: missing required property \"vendorName\"");
  EXPECT_EQ(wire_name(RpcErrorCode::OccurrenceConstraintViolation, ProtocolVersion::v201),
            "OccurrenceConstraintViolation");
}

TEST_F(SchemaV201, WrongTypeIsTypeViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req, R"({"reason":5,"chargingStation":{"model":"M","vendorName":"V"}})"),
                      RpcErrorCode::TypeConstraintViolation, "/reason: type must be string, got integer");
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req, R"({"reason":"PowerUp","chargingStation":"M"})"),
                      RpcErrorCode::TypeConstraintViolation, "/chargingStation: type must be object, got string");
}

TEST_F(SchemaV201, TooLongIsPropertyViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req,
                            R"({"reason":"PowerUp","chargingStation":{"model":"ABCDEFGHIJKLMNOPQRSTU","vendorName":"V"}})"),
                      RpcErrorCode::PropertyConstraintViolation, "/chargingStation/model: string longer than maxLength 20");
}

TEST_F(SchemaV201, EnumViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req, R"({"reason":"Bored","chargingStation":{"model":"M","vendorName":"V"}})"),
                      RpcErrorCode::PropertyConstraintViolation, "/reason: value not in enum [ApplicationReset, FirmwareUpdate,");
}

TEST_F(SchemaV201, AdditionalPropertyIsFormatViolation) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Req,
                            R"({"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","colour":"red"}})"),
                      RpcErrorCode::FormatViolation, "/chargingStation/colour: property not allowed");
  EXPECT_EQ(wire_name(RpcErrorCode::FormatViolation, ProtocolVersion::v201), "FormatViolation");
  // customData has no additionalProperties: false, so vendors may extend it (2.0.1 Part 2 §1.2).
  EXPECT_SCHEMA_OK(check(v, "BootNotification", Req,
                         R"({"reason":"PowerUp","customData":{"vendorId":"acme","anything":[1,2]},
                             "chargingStation":{"model":"M","vendorName":"V"}})"));
}

TEST_F(SchemaV201, NonObjectPayloadIsFormatViolation) {
  const auto result = check(v, "Heartbeat", Req, "[]");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->code, RpcErrorCode::FormatViolation);
  EXPECT_EQ(result->description, "payload must be a JSON object, got array");
}

TEST_F(SchemaV201, BadDateTimeIsPropertyViolation) {
  EXPECT_SCHEMA_OK(check(v, "TransactionEvent", Req, transaction_event("2026-11-24T09:30:00.123Z")));
  EXPECT_SCHEMA_ERROR(check(v, "TransactionEvent", Req, transaction_event("not-a-date")),
                      RpcErrorCode::PropertyConstraintViolation,
                      "/timestamp: \"not-a-date\" is not an RFC 3339 date-time");
  EXPECT_SCHEMA_ERROR(check(v, "TransactionEvent", Req, transaction_event("2026-11-24T09:30:00")),
                      RpcErrorCode::PropertyConstraintViolation, "/timestamp");
}

TEST_F(SchemaV201, DateTimeThroughRefInsideAnArray) {
  const std::string ok_sample = R"({"timestamp":"2026-11-24T09:30:00Z","sampledValue":[{"value":1.5}]})";
  const std::string bad_sample = R"({"timestamp":"2026-11-24T25:00:00Z","sampledValue":[{"value":2}]})";
  EXPECT_SCHEMA_OK(check(v, "TransactionEvent", Req, transaction_event("2026-11-24T09:30:00Z", "[" + ok_sample + "]")));
  EXPECT_SCHEMA_ERROR(check(v, "TransactionEvent", Req,
                            transaction_event("2026-11-24T09:30:00Z", "[" + ok_sample + "," + bad_sample + "]")),
                      RpcErrorCode::PropertyConstraintViolation,
                      "/meterValue/1/timestamp: \"2026-11-24T25:00:00Z\" is not an RFC 3339 date-time");
}

TEST_F(SchemaV201, ItemCountsAreOccurrenceViolations) {
  EXPECT_SCHEMA_ERROR(check(v, "TransactionEvent", Req, transaction_event("2026-11-24T09:30:00Z", "[]")),
                      RpcErrorCode::OccurrenceConstraintViolation, "/meterValue: array has 0 items, fewer than minItems 1");
  EXPECT_SCHEMA_ERROR(check(v, "GetMonitoringReport", Req,
                            R"({"requestId":1,"monitoringCriteria":["ThresholdMonitoring","DeltaMonitoring","PeriodicMonitoring","ThresholdMonitoring"]})"),
                      RpcErrorCode::OccurrenceConstraintViolation, "/monitoringCriteria: array has 4 items, more than maxItems 3");
}

TEST_F(SchemaV201, RangesArePropertyViolations) {
  const auto needs = [](const std::string& soc) {
    return R"({"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC",
        "dcChargingParameters":{"evMaxCurrent":100,"evMaxVoltage":500,"stateOfCharge":)" +
           soc + "}}}";
  };
  EXPECT_SCHEMA_OK(check(v, "NotifyEVChargingNeeds", Req, needs("50")));
  EXPECT_SCHEMA_ERROR(check(v, "NotifyEVChargingNeeds", Req, needs("101")), RpcErrorCode::PropertyConstraintViolation,
                      "/chargingNeeds/dcChargingParameters/stateOfCharge: 101 is greater than maximum 100");
  EXPECT_SCHEMA_ERROR(check(v, "NotifyEVChargingNeeds", Req, needs("-1")), RpcErrorCode::PropertyConstraintViolation,
                      "/chargingNeeds/dcChargingParameters/stateOfCharge: -1 is less than minimum 0");
}

TEST_F(SchemaV201, ResponsesAreValidatedToo) {
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Conf, R"({"currentTime":"2026-11-24T09:30:00Z","interval":300,"status":"Maybe"})"),
                      RpcErrorCode::PropertyConstraintViolation, "/status: value not in enum [Accepted, Pending, Rejected]");
  EXPECT_SCHEMA_ERROR(check(v, "BootNotification", Conf, R"({"currentTime":"24/11/2026","interval":300,"status":"Accepted"})"),
                      RpcErrorCode::PropertyConstraintViolation, "/currentTime");
  EXPECT_SCHEMA_ERROR(check(v, "TransactionEvent", Conf, R"({"idTokenInfo":{"status":"Accepted","cacheExpiryDateTime":"never"}})"),
                      RpcErrorCode::PropertyConstraintViolation, "/idTokenInfo/cacheExpiryDateTime");
}

}  // namespace
}  // namespace ocpp
