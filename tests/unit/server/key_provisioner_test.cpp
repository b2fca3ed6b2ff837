// Key provisioning after a boot, over a fake pile (docs/offline-code.md §3.2, §6).
#include "service_test_support.hpp"

namespace ocpp::server::test {
namespace {

constexpr const char* kHoldsNone16 = R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"0"}]})";

std::string key_spec(const std::string& cp, std::uint32_t version) {
  // §3.3: what the server sends carries the check value bound to the id it derived the key for.
  return offline_code::format_key_spec(offline_code::derive_pile_key(test_master(), cp, version), cp);
}

std::string change_configuration(const std::string& cp, std::uint32_t version) {
  return R"({"key":"OfflineCodeKey","value":")" + key_spec(cp, version) + "\"}";
}

using ProvisioningTest = ServiceTest;

TEST_F(ProvisioningTest, A16PileWithoutKeyIsAskedItsVersionThenGivenKeyVersion1AndConfirmsIt) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.front().action, "GetConfiguration");
  EXPECT_EQ(link.front().payload, R"({"key":["OfflineCodeKeyVersion"]})");
  link.answer(kHoldsNone16);

  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.front().action, "ChangeConfiguration");
  // §3.3: "V:HEX:CHECK" with K(ID, V) derived from the master secret and the check value for CP-1.
  EXPECT_EQ(link.front().payload, change_configuration("CP-1", 1));
  EXPECT_NE(link.front().payload.find(":" + offline_code::key_check_value(offline_code::derive_pile_key(test_master(), "CP-1", 1), "CP-1") + "\""),
            std::string::npos)
      << "a pile with another id refuses the key instead of failing every code";
  EXPECT_FALSE(service->key_state("CP-1").codes_available()) << "not before the pile said Accepted";
  link.answer(R"({"status":"Accepted"})");

  EXPECT_TRUE(link.sent.empty());
  const KeyState s = service->key_state("CP-1");
  EXPECT_EQ(s.confirmed_version, 1u);
  EXPECT_TRUE(s.codes_available());
}

TEST_F(ProvisioningTest, APileThatAlreadyHoldsTheCurrentVersionIsNotSentItAgain) {
  provision("CP-1");
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.answer(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"1"}]})");
  EXPECT_TRUE(link.sent.empty());
  EXPECT_TRUE(service->key_state("CP-1").codes_available());
}

TEST_F(ProvisioningTest, ARefusedKeyLeavesCodesUnavailableAndSaysWhy) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.answer(kHoldsNone16);
  link.answer(R"({"status":"Rejected"})");
  const KeyState s = service->key_state("CP-1");
  EXPECT_FALSE(s.codes_available());
  EXPECT_NE(s.status.find("refused"), std::string::npos) << s.status;
  EXPECT_EQ(std::get<IssueError>(service->issue(request("alice", "CP-1", 1))).failure, IssueFailure::NoKey);
}

TEST_F(ProvisioningTest, APileThatDoesNotKnowTheKeyIsSkipped) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.answer(R"({"configurationKey":[],"unknownKey":["OfflineCodeKeyVersion"]})");
  EXPECT_TRUE(link.sent.empty()) << "no key is sent to a pile that cannot use it";
  const KeyState s = service->key_state("CP-1");
  ASSERT_TRUE(s.supported.has_value());
  EXPECT_FALSE(*s.supported);
}

TEST_F(ProvisioningTest, APileAheadOfTheServerGetsTheVersionAboveItsOwn) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.answer(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"5"}]})");
  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.front().payload, change_configuration("CP-1", 6));
  link.answer(R"({"status":"Accepted"})");
  EXPECT_EQ(service->key_state("CP-1").confirmed_version, 6u);
  EXPECT_EQ(issue("alice", "CP-1", 1).record.key_version, 6u);
}

TEST_F(ProvisioningTest, AKeyTakenAtTheNextRebootIsConfirmedByThatBoot) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.answer(kHoldsNone16);
  link.answer(R"({"status":"RebootRequired"})");
  EXPECT_FALSE(service->key_state("CP-1").codes_available());
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.answer(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"1"}]})");
  EXPECT_TRUE(service->key_state("CP-1").codes_available());
}

TEST_F(ProvisioningTest, AnUnansweredReadChangesNothingAndTheNextBootTriesAgain) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  link.fail(rpc::CallOutcome::Status::Timeout);
  EXPECT_TRUE(link.sent.empty());
  EXPECT_NE(service->key_state("CP-1").status.find("failed"), std::string::npos);
  provision("CP-1");
}

TEST_F(ProvisioningTest, AnAnswerToASupersededRunIsIgnored) {
  service->on_boot("CP-1", ProtocolVersion::v16);
  service->on_boot("CP-1", ProtocolVersion::v16);  // rebooted before answering
  link.answer(kHoldsNone16);                        // the first run's answer
  EXPECT_EQ(link.sent.size(), 1u) << "only the second read is still waiting";
  EXPECT_EQ(link.front().action, "GetConfiguration");
  link.answer(kHoldsNone16);
  EXPECT_EQ(link.front().action, "ChangeConfiguration");
}

TEST_F(ProvisioningTest, A201StationIsProvisionedThroughOfflineCodeCtrlr) {
  piles.piles["CS-1"] = PileFacts{ProtocolVersion::v201, true, 1};
  service->on_boot("CS-1", ProtocolVersion::v201);
  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.front().action, "GetVariables");
  EXPECT_EQ(link.front().payload,
            R"({"getVariableData":[{"component":{"name":"OfflineCodeCtrlr"},"variable":{"name":"KeyVersion"}}]})");
  link.answer(R"({"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"0",)"
              R"("component":{"name":"OfflineCodeCtrlr"},"variable":{"name":"KeyVersion"}}]})");
  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.front().action, "SetVariables");
  EXPECT_EQ(link.front().payload, R"({"setVariableData":[{"component":{"name":"OfflineCodeCtrlr"},)"
                                  R"("variable":{"name":"Key"},"attributeValue":")" +
                                      key_spec("CS-1", 1) + "\"}]}");
  link.answer(R"({"setVariableResult":[{"attributeStatus":"Accepted",)"
              R"("component":{"name":"OfflineCodeCtrlr"},"variable":{"name":"Key"}}]})");
  EXPECT_TRUE(service->key_state("CS-1").codes_available());
}

TEST_F(ProvisioningTest, A201StationWithoutTheComponentIsSkipped) {
  service->on_boot("CS-1", ProtocolVersion::v201);
  link.answer(R"({"getVariableResult":[{"attributeStatus":"UnknownComponent",)"
              R"("component":{"name":"OfflineCodeCtrlr"},"variable":{"name":"KeyVersion"}}]})");
  EXPECT_TRUE(link.sent.empty());
  EXPECT_FALSE(*service->key_state("CS-1").supported);
}

TEST_F(ProvisioningTest, WithoutAMasterSecretNothingIsSent) {
  make(OfflineCodeOptions{});
  service->on_boot("CP-1", ProtocolVersion::v16);
  EXPECT_TRUE(link.sent.empty());
}

TEST_F(ProvisioningTest, TheCodeThatReachesTheRotationThresholdSendsTheNextKeyToAConnectedPile) {
  provision("CP-1");
  issue("alice", "CP-1", 1);
  db->exec("UPDATE offline_code_serials SET next_serial=3071 WHERE charge_point_id='CP-1'");
  const IssuedCode at_threshold = issue("bob", "CP-1", 1);
  EXPECT_TRUE(at_threshold.rotation_due);
  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.front().payload, change_configuration("CP-1", 2));
  link.answer(R"({"status":"Accepted"})");
  EXPECT_EQ(issue("carol", "CP-1", 1).record.key_version, 2u);
}

TEST(KeyVersionAnswer, OddAnswersAreToldApart) {
  const auto parse16 = [](const char* json) {
    rapidjson::Document d;
    d.Parse(json);
    return parse_key_version_answer(ProtocolVersion::v16, d);
  };
  EXPECT_EQ(parse16(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"12"}]})").version,
            std::optional<std::uint32_t>(12));
  EXPECT_TRUE(parse16(R"({})").unsupported);
  const auto no_value = parse16(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true}]})");
  EXPECT_FALSE(no_value.unsupported);
  EXPECT_FALSE(no_value.version);
  const auto junk = parse16(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"1x"}]})");
  EXPECT_FALSE(junk.version);
  EXPECT_NE(junk.problem.find("not a number"), std::string::npos);
  EXPECT_FALSE(parse16(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"4294967295"}]})")
                   .version)
      << "the server could not go above it";
}

}  // namespace
}  // namespace ocpp::server::test
