// The names and shapes of the generated API that the adapters (chargepoint/v16, chargepoint/v201)
// and the dispatcher rely on. Mostly compile-time: if a naming rule of the generator changes,
// this file stops compiling.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "ocpp/messages/serialize.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

namespace {

namespace v16 = ocpp::v16;
namespace v201 = ocpp::v201;
using std::is_same_v;

// Request and response know each other and their action.
static_assert(is_same_v<v16::BootNotificationRequest::Response, v16::BootNotificationResponse>);
static_assert(is_same_v<v16::BootNotificationResponse::Request, v16::BootNotificationRequest>);
static_assert(is_same_v<v201::TransactionEventRequest::Response, v201::TransactionEventResponse>);

// 1.6 inline types are named after their property; `status` has many shapes, so each is
// qualified: by the action at message level, by the enclosing type inside idTagInfo.
static_assert(is_same_v<decltype(v16::AuthorizeResponse::idTagInfo), v16::IdTagInfo>);
static_assert(is_same_v<decltype(v16::IdTagInfo::status), v16::IdTagInfoStatus>);
static_assert(is_same_v<decltype(v16::StartTransactionResponse::idTagInfo), v16::IdTagInfo>);
static_assert(
    is_same_v<decltype(v16::BootNotificationResponse::status), v16::BootNotificationStatus>);
static_assert(is_same_v<decltype(v16::IdTagInfo::parentIdTag), std::optional<ocpp::CiString<20>>>);
static_assert(is_same_v<decltype(v16::IdTagInfo::expiryDate), std::optional<ocpp::DateTime>>);
static_assert(
    is_same_v<decltype(v16::BootNotificationRequest::chargePointVendor), ocpp::CiString<20>>);
static_assert(is_same_v<decltype(v16::BootNotificationResponse::interval), std::int32_t>);
// The same shape under two property names is one type (1.6 §7 Types: MeterValue).
static_assert(is_same_v<v16::TransactionData, v16::MeterValue>);
static_assert(is_same_v<decltype(v16::StopTransactionRequest::transactionData),
                        std::optional<std::vector<v16::MeterValue>>>);
static_assert(is_same_v<decltype(v16::SampledValue::measurand), std::optional<v16::Measurand>>);
static_assert(is_same_v<decltype(v16::ChargingSchedulePeriod::limit), double>);

// 2.0.1 types keep their definition names.
static_assert(
    is_same_v<decltype(v201::TransactionEventRequest::eventType), v201::TransactionEventEnumType>);
static_assert(
    is_same_v<decltype(v201::TransactionEventRequest::transactionInfo), v201::TransactionType>);
static_assert(
    is_same_v<decltype(v201::TransactionEventRequest::triggerReason), v201::TriggerReasonEnumType>);
static_assert(
    is_same_v<decltype(v201::TransactionEventRequest::idToken), std::optional<v201::IdTokenType>>);
static_assert(is_same_v<decltype(v201::TransactionEventRequest::meterValue),
                        std::optional<std::vector<v201::MeterValueType>>>);
static_assert(is_same_v<decltype(v201::TransactionEventRequest::seqNo), std::int32_t>);
static_assert(is_same_v<decltype(v201::TransactionEventResponse::idTokenInfo),
                        std::optional<v201::IdTokenInfoType>>);
static_assert(is_same_v<decltype(v201::IdTokenType::type), v201::IdTokenEnumType>);
static_assert(is_same_v<decltype(v201::IdTokenType::idToken), ocpp::CiString<36>>);
static_assert(is_same_v<decltype(v201::DataTransferRequest::data), std::optional<ocpp::RawJson>>);
// A field named like a reserved member gets a trailing underscore; the JSON name is unchanged.
static_assert(is_same_v<decltype(v201::Get15118EVCertificateRequest::action_),
                        v201::CertificateActionEnumType>);

TEST(GeneratedApi, ActionNames) {
  EXPECT_STREQ(v16::BootNotificationRequest::action, "BootNotification");
  EXPECT_STREQ(v16::BootNotificationResponse::action, "BootNotification");
  EXPECT_STREQ(v201::Get15118EVCertificateRequest::action, "Get15118EVCertificate");
}

TEST(GeneratedApi, ActionListsTellKnownFromUnknown) {
  const auto known = [](const std::vector<std::string_view>& actions, std::string_view a) {
    return std::find(actions.begin(), actions.end(), a) != actions.end();
  };
  EXPECT_TRUE(known(v16::actions(), "StartTransaction"));
  EXPECT_TRUE(known(v16::actions(), "SignedUpdateFirmware"));  // security extension
  EXPECT_FALSE(known(v16::actions(), "TransactionEvent"));
  EXPECT_TRUE(known(v201::actions(), "TransactionEvent"));
  EXPECT_FALSE(known(v201::actions(), "StartTransaction"));
  EXPECT_FALSE(known(v201::actions(), "bootnotification"));
}

TEST(GeneratedApi, EnumeratorsAreSanitisedAndMapBack) {
  EXPECT_EQ(to_string(v16::Measurand::Current_Import), "Current.Import");
  EXPECT_EQ(to_string(v16::Phase::L1_N), "L1-N");
  EXPECT_EQ(to_string(v201::ConnectorEnumType::s309_1P_16A), "s309-1P-16A");
  v16::Measurand m{};
  ASSERT_TRUE(from_string("Energy.Active.Import.Register", m));
  EXPECT_EQ(m, v16::Measurand::Energy_Active_Import_Register);
  EXPECT_FALSE(from_string("energy.active.import.register", m));
  EXPECT_EQ(m, v16::Measurand::Energy_Active_Import_Register);  // unchanged
}

TEST(GeneratedApi, DefaultConstructedMessagesAreWellFormed) {
  EXPECT_EQ(ocpp::serialize(v16::BootNotificationRequest{}),
            R"({"chargePointVendor":"","chargePointModel":""})");
  EXPECT_EQ(ocpp::serialize(v16::HeartbeatRequest{}), "{}");
  const v201::TransactionEventRequest event{};
  EXPECT_EQ(ocpp::parse<v201::TransactionEventRequest>(ocpp::serialize(event)), event);
}

TEST(GeneratedApi, BuildSerialiseParse) {
  v201::TransactionEventRequest event;
  event.eventType = v201::TransactionEventEnumType::Started;
  event.timestamp = ocpp::DateTime::parse("2026-11-24T09:30:00.123Z");
  event.triggerReason = v201::TriggerReasonEnumType::Authorized;
  event.seqNo = 0;
  event.transactionInfo.transactionId = "tx-1";
  event.idToken = v201::IdTokenType{};
  event.idToken->idToken = "123456789012";
  event.idToken->type = v201::IdTokenEnumType::KeyCode;  // an offline code (DESIGN.md)
  const std::string json = ocpp::serialize(event);
  EXPECT_EQ(
      json,
      R"({"eventType":"Started","timestamp":"2026-11-24T09:30:00.123Z","triggerReason":"Authorized",)"
      R"("seqNo":0,"transactionInfo":{"transactionId":"tx-1"},)"
      R"("idToken":{"idToken":"123456789012","type":"KeyCode"}})");
  const auto back = ocpp::parse<v201::TransactionEventRequest>(json);
  EXPECT_EQ(back, event);
  auto changed = back;
  changed.seqNo = 1;
  EXPECT_NE(changed, event);
}

}  // namespace
