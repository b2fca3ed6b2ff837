// The driver's pages' view of the server side (web::DriverBackend).
#include "ocpp/server/driver_backend.hpp"
#include "service_test_support.hpp"

namespace ocpp::server::test {
namespace {

class DriverBackendTest : public ServiceTest {
 protected:
  DriverBackendTest() : users(std::map<std::string, std::string>{{"alice", "wonderland"}}), backend(*service, piles, users, clock) { provision("CP-1"); }

  EndedTransaction ended(const std::string& code, const std::string& tx, std::int64_t wh) {
    EndedTransaction t;
    t.charge_point_id = "CP-1";
    t.transaction_id = tx;
    t.connector_id = 1;
    t.id_tag = code;
    t.meter_start_wh = 0;
    t.meter_stop_wh = wh;
    t.started_at = "2026-03-01T10:30:00Z";
    t.stopped_at = "2026-03-01T11:30:00Z";
    return t;
  }

  UserAccounts users;
  OfflineCodeDriverBackend backend;
};

TEST_F(DriverBackendTest, PasswordsAreCheckedAgainstTheAccounts) {
  EXPECT_TRUE(backend.check_password("alice", "wonderland"));
  EXPECT_FALSE(backend.check_password("alice", "wonderlanD"));
  EXPECT_FALSE(backend.check_password("alice", ""));
  EXPECT_FALSE(backend.check_password("mallory", "wonderland"));
}

TEST_F(DriverBackendTest, APileShowsWhetherItIsOnlineItsConnectorsAndWhetherCodesCanBeIssued) {
  EXPECT_FALSE(backend.pile("CP-NONE"));
  const auto cp1 = backend.pile("CP-1");
  ASSERT_TRUE(cp1);
  EXPECT_EQ(cp1->id, "CP-1");
  EXPECT_TRUE(cp1->connected);
  EXPECT_EQ(cp1->connectors, 2);
  EXPECT_TRUE(cp1->codes_available);
  piles.piles["CP-2"].connected = false;
  EXPECT_FALSE(backend.pile("CP-2")->connected);
  EXPECT_FALSE(backend.pile("CP-2")->codes_available) << "no key confirmed";
}

TEST_F(DriverBackendTest, ACodeOrTheReasonItWasRefused) {
  const auto ok = backend.issue_code("alice", "CP-1", 1, 2'500);
  ASSERT_TRUE(std::holds_alternative<web::IssuedCode>(ok));
  const auto& code = std::get<web::IssuedCode>(ok);
  EXPECT_EQ(code.code.size(), 16u);
  EXPECT_EQ(code.expires_at, "2026-03-02T11:00:00.000Z");
  EXPECT_EQ(code.energy_cap_wh, std::optional<std::int64_t>(2'000));

  const auto unknown = backend.issue_code("alice", "CP-NONE", 1, std::nullopt);
  EXPECT_EQ(std::get<web::IssueError>(unknown).reason, "unknown_charge_point");
  EXPECT_EQ(std::get<web::IssueError>(backend.issue_code("alice", "CP-1", 5, std::nullopt)).reason, "unknown_connector");
  EXPECT_EQ(std::get<web::IssueError>(backend.issue_code("alice", "CP-2", 1, std::nullopt)).reason, "no_key");
  for (int i = 0; i < 9; ++i) backend.issue_code("alice", "CP-1", 1, std::nullopt);
  const auto limited = std::get<web::IssueError>(backend.issue_code("alice", "CP-1", 1, std::nullopt));
  EXPECT_EQ(limited.reason, "rate_limited");
  EXPECT_EQ(limited.retry_after_s, 3600);
  EXPECT_FALSE(limited.message.empty());
}

TEST_F(DriverBackendTest, AServerWithoutMasterSecretSaysSoToTheDriver) {
  make(OfflineCodeOptions{});
  OfflineCodeDriverBackend disabled(*service, piles, users, clock);
  EXPECT_FALSE(disabled.pile("CP-1")->codes_available);
  const auto e = std::get<web::IssueError>(disabled.issue_code("alice", "CP-1", 1, std::nullopt));
  EXPECT_EQ(e.reason, "no_key");
  EXPECT_NE(e.message.find("does not issue"), std::string::npos);
}

TEST_F(DriverBackendTest, SessionsNewestFirstAndCodesNotSettledYet) {
  const std::string first = std::get<web::IssuedCode>(backend.issue_code("alice", "CP-1", 1, std::nullopt)).code;
  const std::string second = std::get<web::IssuedCode>(backend.issue_code("alice", "CP-1", 2, std::nullopt)).code;
  const std::string unused = std::get<web::IssuedCode>(backend.issue_code("alice", "CP-1", 0, std::nullopt)).code;
  service->on_transaction_ended(ended(first, "1", 10'000));
  service->on_transaction_ended(ended(second, "2", 20'000));

  const auto sessions = backend.settlements("alice");
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].code, second);
  EXPECT_EQ(sessions[0].amount, "6.00");
  EXPECT_EQ(sessions[0].currency, "EUR");
  EXPECT_EQ(sessions[0].energy_wh, 20'000);
  EXPECT_EQ(sessions[0].transaction_id, "2");
  EXPECT_EQ(sessions[1].code, first);
  EXPECT_TRUE(backend.settlements("bob").empty());

  auto pending = backend.pending_codes("alice");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].code, unused);
  EXPECT_EQ(pending[0].connector_id, 0);
  // Once expired and never used, it is no longer pending.
  clock.set_system(at("2026-03-02T11:00:01Z"));
  EXPECT_TRUE(backend.pending_codes("alice").empty());
}

}  // namespace
}  // namespace ocpp::server::test
