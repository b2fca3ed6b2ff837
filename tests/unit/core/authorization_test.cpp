// Authorizer: the 1.6 §3.5 chain run when an identifier is presented, with a real local list and
// cache on a SQLite file, a manual clock, and a scripted CSMS that answers when the test says so.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

#include "auth_test_support.hpp"
#include "ocpp/cp/authorization.hpp"

namespace ocpp::cp {
namespace {

using namespace auth_test;

// The CSMS side of Authorize: records each request and answers only when told to.
class ScriptedCsms final : public CsmsAuthorize {
 public:
  void authorize(const std::string& id_tag, std::function<void(std::optional<IdTagInfo>)> done) override {
    asked.push_back(id_tag);
    pending.push_back(std::move(done));
  }
  // Answers the oldest open request; nullopt is a timeout.
  void answer(std::optional<IdTagInfo> info) {
    ASSERT_FALSE(pending.empty());
    auto done = std::move(pending.front());
    pending.pop_front();
    done(std::move(info));
  }
  std::vector<std::string> asked;
  std::deque<std::function<void(std::optional<IdTagInfo>)>> pending;
};

class ScriptedVerifier final : public OfflineCodeVerifier {
 public:
  void authorize_code(ConnectorId connector, const std::string& code, bool online,
                      std::function<void(CodeVerdict)> done) override {
    calls.push_back({connector, code, online});
    CodeVerdict v = verdict;
    done(v);
  }
  void used_online(ConnectorId connector, const std::string& code) override {
    online_uses.push_back({connector, code, true});
  }
  struct Call {
    ConnectorId connector;
    std::string code;
    bool online;
  };
  std::vector<Call> calls;
  std::vector<Call> online_uses;
  CodeVerdict verdict;
};

class AuthAuthorizerTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    build();
  }
  // The block as the daemon wires it, on the store as it is now.
  void build() {
    list_ = std::make_unique<LocalAuthList>(db());
    cache_ = std::make_unique<AuthCache>(db());
    authorizer_ = std::make_unique<Authorizer>(*list_, *cache_, csms_, clock_, options_);
  }
  void TearDown() override {
    authorizer_.reset();
    cache_.reset();
    list_.reset();
    StoreFixture::TearDown();
  }

  void set(void (*change)(AuthorizerOptions&)) {
    AuthorizerOptions o = authorizer_->options();
    change(o);
    authorizer_->set_options(o);
  }

  // Presents an identifier. The decision, if it was made before authorize() returned, is in
  // decisions_.back(); otherwise it arrives when the CSMS is answered.
  void present(const std::string& id, bool online, IdentifierSource source = IdentifierSource::Rfid,
               ConnectorId connector = 1) {
    AuthorizationRequest r;
    r.connector = connector;
    r.identifier = id;
    r.source = source;
    r.online = online;
    authorizer_->authorize(r, [this](const AuthorizationDecision& d) { decisions_.push_back(d); });
  }
  const AuthorizationDecision& last() {
    EXPECT_FALSE(decisions_.empty());
    static const AuthorizationDecision none;
    return decisions_.empty() ? none : decisions_.back();
  }
  void list_holds(const std::string& id, IdTagInfo i) {
    const int version = list_->version() + 1;
    ASSERT_EQ(list_->apply(version, LocalListUpdateType::Differential, {LocalListEntry{id, i}}),
              LocalListUpdateStatus::Accepted);
  }

  AuthorizerOptions options_;  // the defaults: list and cache on, LocalAuthorizeOffline on
  ScriptedCsms csms_;
  std::unique_ptr<LocalAuthList> list_;
  std::unique_ptr<AuthCache> cache_;
  std::unique_ptr<Authorizer> authorizer_;
  std::vector<AuthorizationDecision> decisions_;
};

// ---- Online ----------------------------------------------------------------------------------

TEST_F(AuthAuthorizerTest, OnlineAsksCsmsAndCachesItsAnswer) {
  present("TAG1", true);
  ASSERT_EQ(csms_.asked, std::vector<std::string>{"TAG1"});
  EXPECT_TRUE(decisions_.empty());  // waiting for Authorize.conf

  csms_.answer(info(AuthorizationStatus::Accepted, now() + 24h, "GROUP"));
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Csms);
  EXPECT_EQ(last().info.parent_id_tag, "GROUP");
  EXPECT_FALSE(last().unverified);

  auto cached = cache_->lookup("TAG1", now());
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(cached->parent_id_tag, "GROUP");
}

TEST_F(AuthAuthorizerTest, OnlineCsmsRefusalIsFinalAndCachedToo) {
  present("TAG1", true);
  csms_.answer(info(AuthorizationStatus::Blocked));
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Csms);
  EXPECT_EQ(last().info.status, AuthorizationStatus::Blocked);
  // 1.6 §3.5.1: the cache keeps not-valid identifiers too.
  EXPECT_EQ(cache_->lookup("TAG1", now())->status, AuthorizationStatus::Blocked);
}

TEST_F(AuthAuthorizerTest, OnlineWithoutLocalPreAuthorizeAsksCsmsEvenForKnownIds) {
  cache_->update("CACHED", accepted(), now());
  list_holds("LISTED", accepted());
  present("CACHED", true);
  present("LISTED", true);
  EXPECT_EQ(csms_.asked, (std::vector<std::string>{"CACHED", "LISTED"}));
  EXPECT_TRUE(decisions_.empty());
}

TEST_F(AuthAuthorizerTest, LocalPreAuthorizeStartsAtOnceOnAcceptedListEntry) {
  set([](AuthorizerOptions& o) { o.local_pre_authorize = true; });
  list_holds("LISTED", info(AuthorizationStatus::Accepted, std::nullopt, "P"));
  present("LISTED", true);
  EXPECT_TRUE(csms_.asked.empty());  // no round trip
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::LocalList);
  EXPECT_EQ(last().info.parent_id_tag, "P");
}

TEST_F(AuthAuthorizerTest, LocalPreAuthorizeStartsAtOnceOnAcceptedCacheEntry) {
  set([](AuthorizerOptions& o) { o.local_pre_authorize = true; });
  cache_->update("CACHED", accepted(), now());
  present("CACHED", true);
  EXPECT_TRUE(csms_.asked.empty());
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Cache);
}

TEST_F(AuthAuthorizerTest, LocalPreAuthorizeAsksCsmsForUnknownNotValidOrExpiredIds) {
  set([](AuthorizerOptions& o) { o.local_pre_authorize = true; });
  cache_->update("INVALID", info(AuthorizationStatus::Invalid), now());
  cache_->update("EXPIRING", accepted(now() + 1min), now());
  clock_.advance(2min);
  present("UNKNOWN", true);
  present("INVALID", true);
  present("EXPIRING", true);
  EXPECT_EQ(csms_.asked, (std::vector<std::string>{"UNKNOWN", "INVALID", "EXPIRING"}));
  EXPECT_TRUE(decisions_.empty());
}

TEST_F(AuthAuthorizerTest, CsmsTimeoutIsTreatedAsOffline) {
  cache_->update("CACHED", accepted(), now());
  present("CACHED", true);
  ASSERT_EQ(csms_.asked.size(), 1u);
  csms_.answer(std::nullopt);  // no answer in time
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Cache);  // LocalAuthorizeOffline
}

TEST_F(AuthAuthorizerTest, CsmsTimeoutForUnknownIdFollowsAllowOfflineTxForUnknownId) {
  present("UNKNOWN", true);
  csms_.answer(std::nullopt);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::None);

  set([](AuthorizerOptions& o) { o.allow_offline_tx_for_unknown_id = true; });
  present("UNKNOWN", true);
  csms_.answer(std::nullopt);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::OfflineUnknownAllowed);
  EXPECT_TRUE(last().unverified);
  EXPECT_FALSE(cache_->lookup("UNKNOWN", now()));  // nothing learned from no answer
}

TEST_F(AuthAuthorizerTest, SecondAnswerToOneRequestIsIgnored) {
  present("TAG1", true);
  auto done = csms_.pending.front();
  csms_.answer(accepted());
  done(info(AuthorizationStatus::Blocked));
  EXPECT_EQ(decisions_.size(), 1u);
  EXPECT_EQ(cache_->lookup("TAG1", now())->status, AuthorizationStatus::Accepted);
}

TEST_F(AuthAuthorizerTest, AnswerAfterAuthorizerIsGoneIsIgnored) {
  present("TAG1", true);
  authorizer_.reset();
  csms_.answer(accepted());
  EXPECT_TRUE(decisions_.empty());
}

// ---- Offline ---------------------------------------------------------------------------------

TEST_F(AuthAuthorizerTest, OfflineAcceptsAcceptedListEntry) {
  list_holds("LISTED", accepted());
  present("LISTED", false);
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::LocalList);
  EXPECT_FALSE(last().unverified);
  EXPECT_TRUE(csms_.asked.empty());
}

TEST_F(AuthAuthorizerTest, OfflineAcceptsAcceptedCacheEntry) {
  cache_->update("CACHED", accepted(), now());
  present("CACHED", false);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Cache);
}

TEST_F(AuthAuthorizerTest, OfflineWithoutLocalAuthorizeOfflineKnownIdsDoNotAuthorize) {
  set([](AuthorizerOptions& o) { o.local_authorize_offline = false; });
  list_holds("LISTED", accepted());
  cache_->update("CACHED", accepted(), now());
  present("LISTED", false);
  EXPECT_FALSE(last().accepted);
  present("CACHED", false);
  EXPECT_FALSE(last().accepted);
}

TEST_F(AuthAuthorizerTest, OfflineUnknownIdRefusedUnlessAllowOfflineTxForUnknownId) {
  present("UNKNOWN", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::None);
  EXPECT_FALSE(last().reason.empty());

  set([](AuthorizerOptions& o) { o.allow_offline_tx_for_unknown_id = true; });
  present("UNKNOWN", false);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::OfflineUnknownAllowed);
  EXPECT_EQ(last().info.status, AuthorizationStatus::Accepted);
  EXPECT_TRUE(last().unverified);
}

TEST_F(AuthAuthorizerTest, OfflineNotAcceptedEntriesAreRefusedEvenWithAllowOfflineTxForUnknownId) {
  // 1.6 §3.5.4: listed as Invalid/Blocked/Expired, or expired by the passage of time: MUST reject.
  set([](AuthorizerOptions& o) { o.allow_offline_tx_for_unknown_id = true; });
  list_holds("BLOCKED", info(AuthorizationStatus::Blocked));
  list_holds("EXPIRING", accepted(now() + 1min));
  cache_->update("CACHED_INVALID", info(AuthorizationStatus::Invalid), now());
  cache_->update("CACHED_EXPIRING", accepted(now() + 1min), now());
  clock_.advance(1min);

  present("BLOCKED", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::LocalList);
  EXPECT_EQ(last().info.status, AuthorizationStatus::Blocked);

  present("EXPIRING", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().info.status, AuthorizationStatus::Expired);

  present("CACHED_INVALID", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Cache);

  present("CACHED_EXPIRING", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().info.status, AuthorizationStatus::Expired);
}

// ---- Local list and cache together -----------------------------------------------------------

TEST_F(AuthAuthorizerTest, BlockedListEntryIsNotOverriddenByAcceptedCacheEntry) {
  list_holds("TAG1", info(AuthorizationStatus::Blocked));
  cache_->update("TAG1", accepted(), now());  // e.g. cached before the list said otherwise

  present("TAG1", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::LocalList);

  set([](AuthorizerOptions& o) { o.local_pre_authorize = true; });
  present("TAG1", true);
  EXPECT_EQ(csms_.asked, std::vector<std::string>{"TAG1"});  // not started from the cache
}

TEST_F(AuthAuthorizerTest, ListedIdIsNeverCachedAndDisagreementIsLocalListConflict) {
  list_holds("TAG1", accepted());
  present("TAG1", true);
  csms_.answer(info(AuthorizationStatus::Invalid));
  EXPECT_FALSE(last().accepted);  // online, the CSMS has the last word
  EXPECT_TRUE(last().local_list_conflict);
  EXPECT_FALSE(cache_->lookup("TAG1", now()));

  present("TAG1", true);
  csms_.answer(accepted());
  EXPECT_FALSE(last().local_list_conflict);
}

TEST_F(AuthAuthorizerTest, DisabledListIsNotConsulted) {
  set([](AuthorizerOptions& o) { o.local_auth_list_enabled = false; });
  list_holds("TAG1", info(AuthorizationStatus::Blocked));
  cache_->update("TAG1", accepted(), now());
  present("TAG1", false);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Cache);
}

TEST_F(AuthAuthorizerTest, DisabledCacheIsNeitherConsultedNorUpdated) {
  set([](AuthorizerOptions& o) { o.authorization_cache_enabled = false; });
  cache_->update("CACHED", accepted(), now());
  present("CACHED", false);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::None);

  present("NEW", true);
  csms_.answer(accepted());
  EXPECT_TRUE(last().accepted);
  EXPECT_FALSE(cache_->lookup("NEW", now()));
}

TEST_F(AuthAuthorizerTest, TransactionAnswersUpdateCacheUnlessListed) {
  // StartTransaction.conf / StopTransaction.conf, 1.6 §3.5.1.
  auto outcome = authorizer_->on_csms_id_tag_info("TAG1", info(AuthorizationStatus::Expired), IdentifierSource::Rfid);
  EXPECT_TRUE(outcome.cached);
  EXPECT_EQ(cache_->lookup("TAG1", now())->status, AuthorizationStatus::Expired);

  list_holds("LISTED", accepted());
  outcome = authorizer_->on_csms_id_tag_info("LISTED", info(AuthorizationStatus::Blocked), IdentifierSource::Rfid);
  EXPECT_FALSE(outcome.cached);
  EXPECT_TRUE(outcome.local_list_conflict);
  // ConcurrentTx says nothing of the identifier's validity: no conflict.
  outcome = authorizer_->on_csms_id_tag_info("LISTED", info(AuthorizationStatus::ConcurrentTx), IdentifierSource::Rfid);
  EXPECT_FALSE(outcome.local_list_conflict);
}

TEST_F(AuthAuthorizerTest, CacheFilledOnlineServesOfflineAfterReboot) {
  present("TAG1", true);
  csms_.answer(accepted(now() + 24h));
  authorizer_.reset();
  cache_.reset();
  list_.reset();
  reopen();
  build();
  present("TAG1", false);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Cache);
}

// ---- Keypad codes ----------------------------------------------------------------------------

TEST_F(AuthAuthorizerTest, OnlineKeypadCodeGoesToCsmsLikeAnIdTagButIsNotCached) {
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  present("123456789012", true, IdentifierSource::Keypad);
  ASSERT_EQ(csms_.asked, std::vector<std::string>{"123456789012"});
  csms_.answer(accepted());
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::Csms);
  EXPECT_TRUE(verifier.calls.empty());
  EXPECT_FALSE(cache_->lookup("123456789012", now()));  // a one-time code must not be reusable offline
  // ... and the pile uses it up, so that it cannot start another session offline either.
  ASSERT_EQ(verifier.online_uses.size(), 1u);
  EXPECT_EQ(verifier.online_uses[0].code, "123456789012");
}

TEST_F(AuthAuthorizerTest, KeypadCodeRefusedOnlineIsNotUsedUp) {
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  present("123456789012", true, IdentifierSource::Keypad);
  csms_.answer(info(AuthorizationStatus::Invalid));
  EXPECT_FALSE(last().accepted);
  EXPECT_TRUE(verifier.online_uses.empty());
}

TEST_F(AuthAuthorizerTest, OfflineCodeCapReachesTheDecision) {
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  verifier.verdict.result = CodeVerdict::Result::Accepted;
  verifier.verdict.energy_cap_wh = 4000;
  present("123456789012", false, IdentifierSource::Keypad, 1);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().energy_cap_wh, std::optional<double>(4000));
}

TEST_F(AuthAuthorizerTest, OfflineKeypadCodeGoesToVerifier) {
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  verifier.verdict.result = CodeVerdict::Result::Accepted;
  verifier.verdict.info.expiry = now() + 2h;
  present("123456789012", false, IdentifierSource::Keypad, 2);
  ASSERT_EQ(verifier.calls.size(), 1u);
  EXPECT_EQ(verifier.calls[0].connector, 2);
  EXPECT_EQ(verifier.calls[0].code, "123456789012");
  EXPECT_FALSE(verifier.calls[0].online);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::OfflineCode);
  EXPECT_EQ(last().info.status, AuthorizationStatus::Accepted);
  EXPECT_EQ(last().info.expiry, now() + 2h);
  EXPECT_FALSE(last().unverified);
  EXPECT_TRUE(csms_.asked.empty());
}

TEST_F(AuthAuthorizerTest, RefusedKeypadCodeIsRefusedWithVerifiersReasonEvenWithAllowOfflineTxForUnknownId) {
  set([](AuthorizerOptions& o) { o.allow_offline_tx_for_unknown_id = true; });
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  verifier.verdict.result = CodeVerdict::Result::Rejected;
  verifier.verdict.reason = "check digit wrong";
  present("123456789013", false, IdentifierSource::Keypad);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::OfflineCode);
  EXPECT_NE(last().reason.find("check digit wrong"), std::string::npos);
}

TEST_F(AuthAuthorizerTest, KeypadInputThatIsNotACodeIsAnUnknownId) {
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  verifier.verdict.result = CodeVerdict::Result::NotACode;
  present("42", false, IdentifierSource::Keypad);
  EXPECT_FALSE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::None);
  set([](AuthorizerOptions& o) { o.allow_offline_tx_for_unknown_id = true; });
  present("42", false, IdentifierSource::Keypad);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::OfflineUnknownAllowed);
}

TEST_F(AuthAuthorizerTest, KeypadCodeGoesToVerifierWhenCsmsDoesNotAnswer) {
  ScriptedVerifier verifier;
  authorizer_->set_offline_code_verifier(&verifier);
  verifier.verdict.result = CodeVerdict::Result::Accepted;
  present("123456789012", true, IdentifierSource::Keypad);
  csms_.answer(std::nullopt);
  ASSERT_EQ(verifier.calls.size(), 1u);
  EXPECT_TRUE(verifier.calls[0].online);  // the link was up; the CSMS was silent
  EXPECT_EQ(last().source, AuthorizationSource::OfflineCode);
}

TEST_F(AuthAuthorizerTest, KeypadCodeIsNotLookedUpInCacheButIsInLocalList) {
  cache_->update("1234", accepted(), now());
  present("1234", false, IdentifierSource::Keypad);
  EXPECT_FALSE(last().accepted);
  list_holds("1234", accepted());  // a PIN the CSMS put in the list
  present("1234", false, IdentifierSource::Keypad);
  EXPECT_TRUE(last().accepted);
  EXPECT_EQ(last().source, AuthorizationSource::LocalList);
}

// ---- same_group ------------------------------------------------------------------------------

TEST(AuthSameGroup, SameTagOrSameParentMayStop) {
  EXPECT_TRUE(same_group({"TAG1", std::nullopt}, {"tag1", std::nullopt}));
  EXPECT_TRUE(same_group({"TAG1", "FLEET"}, {"TAG2", "fleet"}));
  EXPECT_FALSE(same_group({"TAG1", "FLEET"}, {"TAG2", "OTHER"}));
  EXPECT_FALSE(same_group({"TAG1", "FLEET"}, {"TAG2", std::nullopt}));
  EXPECT_FALSE(same_group({"TAG1", std::nullopt}, {"TAG2", std::nullopt}));
  EXPECT_FALSE(same_group({"TAG1", ""}, {"TAG2", ""}));
}

TEST(AuthIdTag, AsOfTurnsPastAcceptedIntoExpired) {
  const SystemTime t{std::chrono::hours{1000}};
  EXPECT_EQ(as_of(accepted(t), t - 1ms).status, AuthorizationStatus::Accepted);
  EXPECT_EQ(as_of(accepted(t), t).status, AuthorizationStatus::Expired);
  EXPECT_EQ(as_of(info(AuthorizationStatus::Blocked, t), t + 1h).status, AuthorizationStatus::Blocked);
  EXPECT_EQ(as_of(accepted(), t).status, AuthorizationStatus::Accepted);
}

}  // namespace
}  // namespace ocpp::cp
