// Issue 14, defect 4: an offline code is used up before a transaction exists (its serial is durable
// before the answer, so before the contactor). When its session then never starts, the core tells
// the verifier to free it, so the driver is not left with a spent code and no charge.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;

// Accepts every 16-digit code once, and records what the core frees.
class FakeVerifier final : public OfflineCodeVerifier {
 public:
  void authorize_code(ConnectorId, const std::string& code, bool, std::function<void(CodeVerdict)> done) override {
    CodeVerdict v;
    v.result = used.count(code) != 0 ? CodeVerdict::Result::Rejected : CodeVerdict::Result::Accepted;
    v.info.status = v.result == CodeVerdict::Result::Accepted ? AuthorizationStatus::Accepted : AuthorizationStatus::Invalid;
    if (v.result == CodeVerdict::Result::Rejected) v.reason = "This code has already been used";
    used.insert(code);
    done(v);
  }
  void used_online(ConnectorId, const std::string&) override {}
  void release_unused(ConnectorId, const std::string& code) override {
    released.push_back(code);
    used.erase(code);
  }
  std::set<std::string> used;
  std::vector<std::string> released;
};

class CodeRelease : public CoreFixture {
 protected:
  void SetUp() override {
    CoreFixture::SetUp();
    code_verifier_ = &verifier_;
    csms_.online_ = false;  // codes are decided by the pile's verifier offline
    set("connection_timeout_s", "30");
  }
  bool enter(ConnectorId id, const std::string& code) {
    bool accepted = false;
    cp().present(id, code, IdSource::Keypad, [&](bool ok, const std::string&) { accepted = ok; });
    loop_.run_pending();
    return accepted;
  }
  FakeVerifier verifier_;
  const std::string code_ = "1234567812345678";
};

TEST_F(CodeRelease, NoCableWithinConnectionTimeOutFreesTheCode) {
  boot();
  ASSERT_TRUE(enter(1, code_));
  advance(std::chrono::seconds(31));
  EXPECT_EQ(verifier_.released, std::vector<std::string>{code_});
  ASSERT_EQ(pile().plug(1), "");
  loop_.run_pending();
  EXPECT_TRUE(enter(1, code_)) << "the driver types it again and charges";
  EXPECT_TRUE(tx(1).has_value());
}

TEST_F(CodeRelease, AMeterThatFailsAtTheStartFreesTheCode) {
  boot();
  ASSERT_EQ(pile().plug(1), "");
  hal_->tapped(1).meter_down = true;  // the meter stops answering as the session starts
  enter(1, code_);
  EXPECT_FALSE(tx(1).has_value());
  EXPECT_EQ(verifier_.released, std::vector<std::string>{code_});
}

TEST_F(CodeRelease, ACodeThatStartedItsTransactionIsNotFreed) {
  boot();
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_TRUE(enter(1, code_));
  ASSERT_TRUE(tx(1).has_value());
  ASSERT_EQ(pile().press_stop(1), "");
  loop_.run_pending();
  EXPECT_TRUE(verifier_.released.empty());
}

// A card's session is no single-use code: nothing to free.
TEST_F(CodeRelease, ACardsSessionFreesNothing) {
  csms_.online_ = true;
  boot();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  loop_.run_pending();
  advance(std::chrono::seconds(31));
  EXPECT_TRUE(verifier_.released.empty());
}

}  // namespace
}  // namespace ocpp::cp
