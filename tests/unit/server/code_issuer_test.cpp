// Issuing codes: what the pile accepts, what is refused and why, the rate limit
// (docs/offline-code.md §2, §6, §9).
#include "service_test_support.hpp"

namespace ocpp::server::test {
namespace {

class IssuerTest : public ServiceTest {
 protected:
  IssuerTest() { provision("CP-1"); }
};

offline_code::Verdict verify_at_pile(const std::string& code, const std::string& cp, unsigned connector,
                                     std::int64_t now) {
  return offline_code::verify(code, {offline_code::derive_pile_key(test_master(), cp, 1)}, cp, connector, now, true);
}

TEST_F(IssuerTest, TheCodeIsAcceptedByThePileWithTheKeyItWasGivenAndRecordedWithItsDriver) {
  const IssuedCode issued = issue("alice", "CP-1", 1);
  const IssuedCodeRecord& r = issued.record;
  EXPECT_EQ(r.code.size(), 16u);
  const auto verdict = verify_at_pile(r.code, "CP-1", 1, now_unix() + 60);
  ASSERT_EQ(verdict.status, offline_code::Status::Accepted) << offline_code::describe(verdict.status);
  EXPECT_EQ(verdict.fields->serial, 0u);
  EXPECT_EQ(verdict.fields->connector, 1u);
  // Default validity 24 h from 10:15, rounded up to the hour (§2).
  EXPECT_EQ(r.expires_at, "2026-03-02T11:00:00.000Z");
  EXPECT_EQ(offline_code::expires_at(*verdict.fields), r.expires_unix);
  EXPECT_EQ(verify_at_pile(r.code, "CP-1", 2, now_unix()).status, offline_code::Status::WrongConnector);
  EXPECT_EQ(verify_at_pile(r.code, "CP-2", 1, now_unix()).status, offline_code::Status::BadMac);

  const auto mine = service->codes_of("alice");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].code, r.code);
  EXPECT_EQ(mine[0].charge_point_id, "CP-1");
  EXPECT_EQ(mine[0].connector_id, 1);
  EXPECT_EQ(mine[0].key_version, 1u);
  EXPECT_EQ(mine[0].serial, 0u);
  EXPECT_EQ(mine[0].issued_at, "2026-03-01T10:15:00.000Z");
  EXPECT_FALSE(mine[0].energy_cap_wh);
  EXPECT_TRUE(service->codes_of("bob").empty());
}

TEST_F(IssuerTest, TheThirdCodeForAnyConnectorWithACapIsTheSpecsVectorB) {
  // §12.2 vector B: CP-TEST-0001, version 1, serial 2, any connector, 24 h from 10:15, 10000 Wh.
  piles.piles["CP-TEST-0001"] = PileFacts{ProtocolVersion::v16, true, 7};
  provision("CP-TEST-0001");
  issue("alice", "CP-TEST-0001", 1);
  issue("alice", "CP-TEST-0001", 1);
  IssueRequest r = request("alice", "CP-TEST-0001", 0);
  r.energy_cap_wh = 10'000;
  const IssuedCode b = issue(r);
  EXPECT_EQ(b.record.code, "0004045598875842");
  EXPECT_EQ(b.record.expires_at, "2026-03-02T11:00:00.000Z");
  EXPECT_EQ(b.record.energy_cap_wh, std::optional<std::int64_t>(10'000));
}

TEST_F(IssuerTest, ACapIsRoundedDownToAStepAndBelow500IsRefused) {
  IssueRequest r = request("alice", "CP-1", 1);
  r.energy_cap_wh = 700;
  const IssuedCode issued = issue(r);
  EXPECT_EQ(issued.record.energy_cap_wh, std::optional<std::int64_t>(500)) << "never more than was asked for";
  EXPECT_EQ(issued.cap_step, 1u);
  r.energy_cap_wh = 499;
  const IssueError e = refusal(r);
  EXPECT_EQ(e.failure, IssueFailure::BadRequest);
  EXPECT_EQ(e.field, "energy_cap_wh");
}

TEST_F(IssuerTest, ValidityIsTheServersDefaultOrAskedFor1To168Hours) {
  make([] {
    auto o = enabled_options();
    o.default_valid_hours = 2;
    return o;
  }());
  EXPECT_EQ(issue("alice", "CP-1", 1).record.expires_at, "2026-03-01T13:00:00.000Z");
  IssueRequest r = request("alice", "CP-1", 1);
  r.valid_hours = 168;
  EXPECT_EQ(issue(r).record.expires_at, "2026-03-08T11:00:00.000Z");
  for (const int bad : {0, 169, -1}) {
    r.valid_hours = bad;
    const IssueError e = refusal(r);
    EXPECT_EQ(e.failure, IssueFailure::BadRequest) << bad;
    EXPECT_EQ(e.field, "valid_hours");
  }
}

TEST_F(IssuerTest, UnknownPilesConnectorsAndPilesWithoutKeyAreRefusedEachWithItsReason) {
  const IssueError unknown = refusal(request("alice", "CP-NEVER-BOOTED", 1));
  EXPECT_EQ(unknown.failure, IssueFailure::UnknownChargePoint);
  EXPECT_EQ(unknown.reason, "unknown_charge_point");

  const IssueError eight = refusal(request("alice", "CP-1", 8));
  EXPECT_EQ(eight.failure, IssueFailure::UnknownConnector);
  EXPECT_EQ(eight.field, "connector_id");
  EXPECT_EQ(refusal(request("alice", "CP-1", -1)).failure, IssueFailure::UnknownConnector);
  const IssueError three = refusal(request("alice", "CP-1", 3));
  EXPECT_EQ(three.failure, IssueFailure::UnknownConnector) << "CP-1 reported two connectors";
  EXPECT_NE(three.message.find("1..2"), std::string::npos) << three.message;
  EXPECT_EQ(issue("alice", "CP-1", 0).record.connector_id, 0) << "0 = any connector";

  // A pile that has reported no connector yet: the code's range applies.
  piles.piles["CP-3"] = PileFacts{ProtocolVersion::v16, true, 0};
  provision("CP-3");
  EXPECT_EQ(issue("alice", "CP-3", 7).record.connector_id, 7);

  const IssueError no_key = refusal(request("alice", "CP-2", 1));  // booted, never provisioned
  EXPECT_EQ(no_key.failure, IssueFailure::NoKey);
  EXPECT_EQ(no_key.reason, "no_key");
}

TEST_F(IssuerTest, WithoutAMasterSecretNothingIsIssuedAndTheReasonIsGiven) {
  OfflineCodeOptions o;
  o.disabled_reason = "no --master-key-file";
  make(o);
  const IssueError e = refusal(request("alice", "CP-1", 1));
  EXPECT_EQ(e.failure, IssueFailure::Disabled);
  EXPECT_NE(e.message.find("no --master-key-file"), std::string::npos);
}

TEST_F(IssuerTest, TheEleventhCodeOfTheHourIsRateLimitedPerUserAndTheLimitSurvivesARestart) {
  for (int i = 0; i < 10; ++i) {
    issue("alice", "CP-1", 1);
    clock.advance(1min);
  }
  const IssueError limited = refusal(request("alice", "CP-1", 1));
  EXPECT_EQ(limited.failure, IssueFailure::RateLimited);
  EXPECT_EQ(limited.reason, "rate_limited");
  EXPECT_EQ(limited.retry_after_s, 3600 - 10 * 60) << "until the first code, issued 10 min ago, is an hour old";
  EXPECT_EQ(issue("bob", "CP-1", 1).record.serial, 10u) << "per user; and the refusal used no serial";

  restart();
  EXPECT_EQ(refusal(request("alice", "CP-1", 1)).failure, IssueFailure::RateLimited);
  clock.advance(std::chrono::seconds(limited.retry_after_s));
  EXPECT_EQ(issue("alice", "CP-1", 1).record.serial, 11u);
}

TEST_F(IssuerTest, TheRateLimitIsConfigurable) {
  auto o = enabled_options();
  o.rate_limit_per_hour = 2;
  make(o);
  issue("alice", "CP-1", 1);
  issue("alice", "CP-1", 1);
  EXPECT_EQ(refusal(request("alice", "CP-1", 1)).retry_after_s, 3600);
}

}  // namespace
}  // namespace ocpp::server::test
