// B09-B10 network connection profiles, the rules: what a SetNetworkProfile may hold and why it is
// refused (the statusInfo a CSMS operator sees), how profiles are kept, which slot the pile
// connects with attempt after attempt, and that credentials are kept out of the log.
#include <gtest/gtest.h>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/cp/v201/network_profiles.hpp"

namespace ocpp::cp::v201 {
namespace {

namespace m = ocpp::v201;

m::SetNetworkProfileRequest request(int slot, const std::string& url, int security_profile) {
  m::SetNetworkProfileRequest r;
  r.configurationSlot = slot;
  r.connectionData.ocppVersion = m::OCPPVersionEnumType::OCPP20;
  r.connectionData.ocppTransport = m::OCPPTransportEnumType::JSON;
  r.connectionData.ocppCsmsUrl = url;
  r.connectionData.messageTimeout = 30;
  r.connectionData.securityProfile = security_profile;
  r.connectionData.ocppInterface = m::OCPPInterfaceEnumType::Wired0;
  return r;
}

// Connected over slot 1 with Basic authentication (security profile 1), a password held.
ProfileContext on_profile_1() {
  ProfileContext c;
  c.active_slot = 1;
  c.active_security_profile = 1;
  c.has_password = true;
  return c;
}

std::string refusal_code(const m::SetNetworkProfileRequest& r, const ProfileContext& c) {
  const auto refused = check_profile(r, c);
  return refused ? refused->reason_code : "accepted";
}

TEST(NetworkProfileRules, AProfileForAnotherSlotAtTheSameOrAHigherSecurityProfileIsAccepted) {  // B09.FR.01
  EXPECT_EQ(refusal_code(request(2, "ws://csms2.example:9000/ocpp", 1), on_profile_1()), "accepted");
  EXPECT_EQ(refusal_code(request(4, "wss://csms2.example/ocpp", 2), on_profile_1()), "accepted");
}

TEST(NetworkProfileRules, ALowerSecurityProfileThanTheLinkInUseIsRejected) {  // B09.FR.04
  const auto refused = check_profile(request(2, "ws://csms2.example/ocpp", 0), on_profile_1());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason_code, "NoSecurityDowngrade");
  ProfileContext tls = on_profile_1();
  tls.active_security_profile = 2;
  EXPECT_EQ(refusal_code(request(2, "ws://csms2.example/ocpp", 1), tls), "NoSecurityDowngrade");
}

TEST(NetworkProfileRules, ASlotOutsideNetworkConfigurationPriorityValuesIsRejected) {  // B09.FR.05
  for (int slot : {0, -1, kNetworkProfileSlots + 1, 999}) {
    EXPECT_EQ(refusal_code(request(slot, "ws://csms2.example/ocpp", 1), on_profile_1()), "InvalidConfSlot") << slot;
  }
}

TEST(NetworkProfileRules, TheSlotOfTheLinkInUseIsNotOverwritten) {
  EXPECT_EQ(refusal_code(request(1, "ws://csms2.example/ocpp", 1), on_profile_1()), "InvalidConfSlot");
}

TEST(NetworkProfileRules, ContentThePileCannotUseIsRejected) {  // B09.FR.02
  const auto c = on_profile_1();
  auto r = request(2, "ws://csms2.example/ocpp", 1);
  r.connectionData.ocppVersion = m::OCPPVersionEnumType::OCPP16;
  EXPECT_EQ(refusal_code(r, c), "InvalidNetworkConf");
  r = request(2, "ws://csms2.example/ocpp", 1);
  r.connectionData.ocppTransport = m::OCPPTransportEnumType::SOAP;
  EXPECT_EQ(refusal_code(r, c), "InvalidNetworkConf");
  EXPECT_EQ(refusal_code(request(2, "http://csms2.example/ocpp", 1), c), "InvalidNetworkConf");
  EXPECT_EQ(refusal_code(request(2, "ws://user:secret@csms2.example/ocpp", 1), c), "InvalidNetworkConf");
  EXPECT_EQ(refusal_code(request(2, "ws://csms2.example/ocpp", 2), c), "InvalidNetworkConf");  // 2 needs wss
  EXPECT_EQ(refusal_code(request(2, "wss://csms2.example/ocpp", 3), c), "InvalidNetworkConf");  // no client cert
  EXPECT_EQ(refusal_code(request(2, "wss://csms2.example/ocpp", 4), c), "InvalidNetworkConf");
  r = request(2, "ws://csms2.example/ocpp", 1);
  r.connectionData.messageTimeout = 0;
  EXPECT_EQ(refusal_code(r, c), "InvalidNetworkConf");
  r = request(2, "ws://csms2.example/ocpp", 1);
  r.connectionData.vpn = m::VPNType{};
  EXPECT_EQ(refusal_code(r, c), "InvalidNetworkConf");
  ProfileContext no_password = c;
  no_password.has_password = false;
  no_password.active_security_profile = 0;
  EXPECT_EQ(refusal_code(request(2, "ws://csms2.example/ocpp", 1), no_password), "InvalidNetworkConf");
  EXPECT_EQ(refusal_code(request(2, "ws://csms2.example/ocpp", 0), no_password), "accepted");
}

TEST(NetworkProfileRules, ProfilesSurviveTheSettingsAndARestart) {
  const std::string db = ::testing::TempDir() + "/network_profiles_test.db";
  std::remove(db.c_str());
  std::map<int, m::NetworkConnectionProfileType> profiles;
  profiles[2] = request(2, "ws://127.0.0.1:9002/ocpp", 1).connectionData;
  profiles[3] = request(3, "wss://csms3.example/ocpp", 2).connectionData;
  {
    Store store(db);
    Settings s(store.db(), all_setting_specs());
    ASSERT_EQ(s.set("network_connection_profiles", serialize_profiles(profiles)), SetResult::Accepted);
    ASSERT_EQ(s.set("network_configuration_priority", "2,1"), SetResult::Accepted);
  }
  Store store(db);
  Settings s(store.db(), all_setting_specs());
  EXPECT_EQ(parse_profiles(s.get("network_connection_profiles")), profiles);
  EXPECT_EQ(s.get_list("network_configuration_priority"), (std::vector<std::string>{"2", "1"}));
  EXPECT_TRUE(parse_profiles("not json").empty());
  EXPECT_TRUE(parse_profiles(R"({"9":{}})").empty());
}

TEST(NetworkProfileRules, NetworkConfigurationPriorityNamesOnlyTheSlotsThePileHas) {
  Store store(":memory:");
  Settings s(store.db(), all_setting_specs());
  EXPECT_EQ(s.set("network_configuration_priority", "2,1"), SetResult::Accepted);
  EXPECT_EQ(s.set("network_configuration_priority", "0"), SetResult::Rejected);
  EXPECT_EQ(s.set("network_configuration_priority", "5,1"), SetResult::Rejected);
  EXPECT_EQ(s.set("network_configuration_priority", "12"), SetResult::Rejected);
}

TEST(NetworkProfileRules, CredentialsAreWithheldFromTheLog) {
  EXPECT_TRUE(carries_link_secret(
      R"([2,"1","SetNetworkProfile",{"configurationSlot":2,"connectionData":{"vpn":{"password":"p"}}}])"));
  EXPECT_TRUE(carries_link_secret(
      R"([2,"1","SetNetworkProfile",{"configurationSlot":2,"connectionData":{"apn":{"apnPassword":"p"}}}])"));
  EXPECT_TRUE(carries_link_secret(
      R"([2,"1","SetVariables",{"setVariableData":[{"attributeValue":"0123456789abcdef",)"
      R"("component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}])"));
  EXPECT_FALSE(carries_link_secret(
      R"([2,"1","SetNetworkProfile",{"configurationSlot":2,"connectionData":{"ocppCsmsUrl":"ws://x/ocpp"}}])"));
}

// B10: which slot, attempt after attempt.
TEST(ConnectionPlanTest, AfterARestartTheFirstEntryIsTriedAttemptsTimesThenTheNext) {  // B10.FR.03/04
  ConnectionPlan plan({2, 1}, 1, 3);
  EXPECT_EQ(plan.slot(), 2);
  EXPECT_FALSE(plan.attempt_failed());
  EXPECT_FALSE(plan.attempt_failed());
  EXPECT_EQ(plan.slot(), 2);
  EXPECT_TRUE(plan.attempt_failed());
  EXPECT_EQ(plan.slot(), 1);
  EXPECT_FALSE(plan.fallback());  // slot 1 is an entry of the priority
}

TEST(ConnectionPlanTest, WhenNoEntryConnectsTheLastGoodSlotIsTried) {  // B10.FR.07
  ConnectionPlan plan({2}, 1, 2);
  EXPECT_EQ(plan.slot(), 2);
  plan.attempt_failed();
  EXPECT_TRUE(plan.attempt_failed());
  EXPECT_EQ(plan.slot(), 1);
  EXPECT_TRUE(plan.fallback());
  plan.connected();
  EXPECT_EQ(plan.last_good(), 1);
}

TEST(ConnectionPlanTest, TheWalkStartsAgainAndNeverStops) {  // B10.FR.09
  ConnectionPlan plan({3, 2}, 1, 1);
  std::vector<int> tried;
  for (int i = 0; i < 7; ++i) {
    tried.push_back(plan.slot());
    plan.attempt_failed();
  }
  EXPECT_EQ(tried, (std::vector<int>{3, 2, 1, 3, 2, 1, 3}));
}

TEST(ConnectionPlanTest, ANewProfileThatConnectsIsTheLastGoodOne) {
  ConnectionPlan plan({2}, 1, 3);
  plan.connected();
  EXPECT_EQ(plan.last_good(), 2);
  ConnectionPlan after_loss({2}, plan.last_good(), 3);  // the adapter's new plan after a loss
  EXPECT_EQ(after_loss.slot(), 2);
  EXPECT_FALSE(after_loss.attempt_failed());
}

TEST(ConnectionPlanTest, NothingUsableMeansTheConfigurationFilesLink) {
  ConnectionPlan plan({}, 0, 0);
  EXPECT_EQ(plan.slot(), 1);
  EXPECT_TRUE(plan.attempt_failed());  // attempts below 1 count as 1
  EXPECT_EQ(plan.slot(), 1);
}

}  // namespace
}  // namespace ocpp::cp::v201
