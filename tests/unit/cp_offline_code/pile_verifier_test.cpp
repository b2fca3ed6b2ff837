// The pile's side of the offline charging code (docs/offline-code.md §5-§8) on a real SQLite store
// that is closed and reopened as a reboot does, with a manual clock.
#include "ocpp/cp/offline_code/pile_verifier.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "../core/auth_test_support.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/cp/offline_code/key_ring.hpp"
#include "ocpp/cp/offline_code/pile_clocks.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::cp::offline_code {
namespace {

namespace oc = ocpp::offline_code;
using namespace std::chrono_literals;
using Result = CodeVerdict::Result;

constexpr const char* kPile = "PILE-7";
// 2026-11-24T12:00:00Z
constexpr std::int64_t kNoon = 1795521600;

oc::MasterSecret master() {
  oc::MasterSecret m{};
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return m;
}

class PileVerifierTest : public auth_test::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    clock_.set_system(SystemTime{std::chrono::seconds(kNoon)});
    boot();
    verifier_->clock_synced();
  }

  // The blocks as the daemon wires them, on the database as it is now (after reopen(): a reboot).
  void boot() {
    verifier_.reset();
    ring_.reset();
    events_.reset();
    codes_.reset();
    settings_.reset();
    settings_ = std::make_unique<Settings>(db(), core_setting_specs());
    codes_ = std::make_unique<CodeStore>(db());
    events_ = std::make_unique<SecurityEvents>(db());
    ring_ = std::make_unique<KeyRing>(*codes_, clock_);
    verifier_ = std::make_unique<PileCodeVerifier>(*codes_, *ring_, *events_, *settings_, clock_, kPile,
                                                   oc::LockoutPolicy{}, pile_clocks_);
  }
  void reboot() {
    verifier_.reset();
    ring_.reset();
    events_.reset();
    codes_.reset();
    settings_.reset();
    reopen();
    boot();
  }

  oc::PileKey key(std::uint32_t version = 1, const char* pile = kPile) {
    return oc::derive_pile_key(master(), pile, version);
  }
  void install(std::uint32_t version = 1) { ASSERT_EQ(ring_->install(key(version)), std::nullopt); }

  std::int64_t unix_now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
  }

  std::string code(std::uint16_t serial, std::uint8_t connector = 1, std::uint32_t version = 1,
                   std::uint8_t cap_step = 0, unsigned valid_hours = 24, const char* pile = kPile) {
    oc::Fields f;
    f.key_version = version;
    f.serial = serial;
    f.expiry_hours = oc::expiry_hours_for(unix_now(), valid_hours);
    f.connector = connector;
    f.cap_step = cap_step;
    return oc::encode(f, key(version, pile), pile);
  }

  CodeVerdict type(const std::string& typed, ConnectorId connector = 1) {
    CodeVerdict out;
    bool called = false;
    verifier_->authorize_code(connector, typed, false, [&](CodeVerdict v) {
      out = std::move(v);
      called = true;
    });
    EXPECT_TRUE(called) << "the verifier answers synchronously";
    return out;
  }

  std::vector<std::string> event_types() {
    std::vector<std::string> out;
    auto st = db().prepare("SELECT type FROM security_events ORDER BY seq");
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

  std::unique_ptr<Settings> settings_;
  std::unique_ptr<CodeStore> codes_;
  std::unique_ptr<SecurityEvents> events_;
  std::unique_ptr<KeyRing> ring_;
  std::unique_ptr<PileCodeVerifier> verifier_;
  PileClocks pile_clocks_;  // elapsed time from clock_'s steady time, no kernel sync, no known floor
};

TEST_F(PileVerifierTest, AGenuineCodeIsAcceptedOnceAcrossReboots) {
  install();
  const auto c = code(5);
  const auto v = type(c);
  ASSERT_EQ(v.result, Result::Accepted) << v.reason;
  EXPECT_EQ(v.info.status, AuthorizationStatus::Accepted);
  ASSERT_TRUE(v.info.expiry);
  EXPECT_GT(*v.info.expiry, clock_.system_now() + 23h);
  EXPECT_FALSE(v.energy_cap_wh);
  // The serial was on disk before the answer: a power cut now changes nothing.
  reboot();
  const auto again = type(c);
  EXPECT_EQ(again.result, Result::Rejected);
  EXPECT_EQ(again.reason, "This code has already been used");
  EXPECT_EQ(event_types(), std::vector<std::string>{kReplayEvent}) << "a replay is reported to the CSMS";
  // Other serials are still good.
  EXPECT_EQ(type(code(6)).result, Result::Accepted);
}

TEST_F(PileVerifierTest, AKeyMadeForAnotherChargePointIdIsRefusedAtInstall) {
  // docs/offline-code.md §3.3: the CSMS derived the key for the id it read ("PILE-1"); installing it
  // would make every genuine code fail as a wrong code and count towards the lockout.
  const auto wrong = ring_->install_spec(oc::format_key_spec(key(1, "PILE-1"), "PILE-1"), kPile);
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->find("another charge point id"), std::string::npos) << *wrong;
  EXPECT_EQ(ring_->newest_version(), 0u) << "nothing was installed";
  EXPECT_EQ(type(code(1)).reason, "Offline codes are not set up on this charge point yet");
  // The key for this pile, with its check value or without one (older CSMSs), is installed.
  EXPECT_EQ(ring_->install_spec(oc::format_key_spec(key(1), kPile), kPile), std::nullopt);
  EXPECT_EQ(ring_->install_spec(oc::format_key_spec(key(2)), kPile), std::nullopt);
  EXPECT_EQ(type(code(1, 1, 2)).result, Result::Accepted);
}

TEST_F(PileVerifierTest, EachRefusalSaysWhy) {
  install();
  auto typo = code(1);
  typo[3] = typo[3] == '9' ? '0' : static_cast<char>(typo[3] + 1);  // the check digit catches one wrong digit
  EXPECT_EQ(type(typo).reason, "Typing error: check the digits and enter the code again");
  EXPECT_EQ(type("12345").reason, "Not a code: a code has 16 digits");
  EXPECT_EQ(type(code(2, 1, 1, 0, 24, "OTHER-PILE")).reason, "Wrong code: not valid for this charge point");
  EXPECT_EQ(type(code(3, 2)).reason, "This code is for connector 2");
  const auto expiring = code(4, 1, 1, 0, 1);
  clock_.advance(3h);
  verifier_->clock_synced();
  EXPECT_EQ(type(expiring).reason.rfind("This code expired at 2026-11-24 ", 0), 0u) << type(expiring).reason;
  EXPECT_EQ(type(code(7, 1, 2)).reason,
            "This code was made for another key of this charge point: ask for a new code");
  EXPECT_TRUE(event_types().empty()) << "none of these is an attack on its own";
}

TEST_F(PileVerifierTest, ACodeForAnyConnectorWorksOnEach) {
  install();
  EXPECT_EQ(type(code(8, oc::kAnyConnector), 2).result, Result::Accepted);
}

TEST_F(PileVerifierTest, TheEnergyCapBoundIntoTheCodeReachesTheTransaction) {
  install();
  const auto v = type(code(9, 1, 1, 3));
  ASSERT_EQ(v.result, Result::Accepted) << v.reason;
  ASSERT_TRUE(v.energy_cap_wh);
  EXPECT_EQ(*v.energy_cap_wh, static_cast<double>(*oc::energy_cap_wh(3)));
}

TEST_F(PileVerifierTest, WrongCodesLockTheConnectorAcrossRebootsAndTheLockIsReported) {
  install();
  const auto forged = [&](std::uint16_t s) { return code(s, 1, 1, 0, 24, "OTHER-PILE"); };
  EXPECT_EQ(type(forged(1)).result, Result::Rejected);
  EXPECT_EQ(type(forged(2)).result, Result::Rejected);
  EXPECT_TRUE(event_types().empty());
  EXPECT_EQ(type(forged(3)).result, Result::Rejected);  // §8.1: the third in a row locks for 1 min
  EXPECT_EQ(event_types(), std::vector<std::string>{kLockoutEvent});
  reboot();
  const auto genuine = code(10);
  const auto locked = type(genuine);
  EXPECT_EQ(locked.result, Result::Rejected);
  EXPECT_EQ(locked.reason.rfind("Code entry is locked after wrong codes: try again after ", 0), 0u) << locked.reason;
  EXPECT_EQ(type(genuine, 2).result, Result::Rejected) << "another connector is not locked, but the code is for 1";
  EXPECT_EQ(type(code(11, 2), 2).result, Result::Accepted) << "connector 2 is not locked";
  clock_.advance(61s);
  EXPECT_EQ(type(genuine).result, Result::Accepted) << "the lock has ended";
}

TEST_F(PileVerifierTest, ThePileBudgetLocksEveryConnector) {
  install();
  // Two on each of connectors 1..5, so that no connector backoff starts: 10 failures spend the
  // pile's budget (§8.1).
  for (std::uint16_t i = 0; i < 10; ++i) {
    const auto connector = static_cast<std::uint8_t>(1 + i % 5);
    EXPECT_EQ(type(code(i, connector, 1, 0, 24, "OTHER-PILE"), connector).reason,
              "Wrong code: not valid for this charge point");
  }
  const auto v = type(code(100, 6), 6);
  EXPECT_EQ(v.result, Result::Rejected);
  EXPECT_NE(v.reason.find("locked"), std::string::npos) << v.reason;
  const auto types = event_types();
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.back(), kLockoutEvent);
  clock_.advance(61min);
  EXPECT_EQ(type(code(101, 6), 6).result, Result::Accepted) << "one attempt refilled after an hour";
}

TEST_F(PileVerifierTest, KeyVersionsOnlyGoUpAndThePreviousKeyLastsEightDays) {
  install(1);
  const auto old_code = code(1, 1, 1, 0, 168);
  EXPECT_NE(ring_->install(key(1)), std::nullopt) << "the same version again";
  install(2);
  EXPECT_NE(ring_->install(key(1)), std::nullopt) << "a lower version";
  EXPECT_EQ(ring_->newest_version(), 2u);
  EXPECT_EQ(type(code(1, 1, 2)).result, Result::Accepted) << "serials are per version";
  EXPECT_EQ(type(old_code).result, Result::Accepted) << "version 1 stays for 8 days";
  clock_.advance(std::chrono::hours(8 * 24 + 1));
  verifier_->clock_synced();
  EXPECT_EQ(ring_->usable().size(), 1u);
  EXPECT_EQ(type(code(2, 1, 1)).reason,
            "This code was made for another key of this charge point: ask for a new code");
  reboot();
  EXPECT_NE(ring_->install(key(1)), std::nullopt) << "a retired version never comes back";
}

TEST_F(PileVerifierTest, AVersionJumpDropsTheKeyOfTheSameParity) {
  install(1);
  install(3);  // 1 and 3 share a parity: the code could not say which one it means
  EXPECT_EQ(ring_->usable().size(), 1u);
  EXPECT_EQ(ring_->usable().front().version, 3u);
}

TEST_F(PileVerifierTest, WithoutAKeyCodesAreRefusedAndWhenDisabledTheyAreNoCodes) {
  EXPECT_EQ(type(code(1)).reason, "Offline codes are not set up on this charge point yet");
  install();
  ASSERT_EQ(settings_->set("offline_code_enabled", "false"), SetResult::Accepted);
  EXPECT_EQ(type(code(1)).result, Result::NotACode);
}

TEST_F(PileVerifierTest, ACodeUsedOnlineIsUsedUpForOfflineUse) {
  install();
  const auto c = code(12);
  verifier_->used_online(1, c);
  reboot();
  EXPECT_EQ(type(c).reason, "This code has already been used");
  verifier_->used_online(1, "1234567890123456");  // not a code of this pile: nothing happens
}

TEST_F(PileVerifierTest, AnUntrustedClockStillRefusesReplaysAndForgeries) {
  install();
  const auto c = code(13);
  const auto forged = code(14, 1, 1, 0, 24, "OTHER-PILE");
  ASSERT_EQ(type(c).result, Result::Accepted);
  // The RTC lost power: the clock reads 1970 now and no sync has happened since.
  clock_.set_system(SystemTime{std::chrono::seconds(0)});
  reboot();
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Untrusted);
  EXPECT_EQ(type(c).reason, "This code has already been used");
  EXPECT_EQ(type(forged).reason, "Wrong code: not valid for this charge point");
}

TEST_F(PileVerifierTest, TheClockPolicyFollowsTheLastSyncAcrossReboots) {
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Synced);
  clock_.advance(25h);
  reboot();
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Drifting) << "the last sync was persisted";
  verifier_->clock_synced();
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Synced);
}

}  // namespace
}  // namespace ocpp::cp::offline_code

namespace ocpp::cp::offline_code {
namespace {

// Issue 14, defect 4: a code whose session never started (docs/offline-code.md §5) is freed, durably,
// and only that serial: a used one stays used, and freeing is no way to replay a code that charged.
TEST_F(PileVerifierTest, ACodeWhoseSessionNeverStartedIsUsableAgainAcrossAReboot) {
  install();
  const auto c = code(9);
  ASSERT_EQ(type(c).result, Result::Accepted);
  verifier_->release_unused(1, c);
  reboot();
  ASSERT_EQ(type(c).result, Result::Accepted) << "freed, durably";
  EXPECT_EQ(type(c).result, Result::Rejected) << "and single use again once accepted";
  // Freeing a serial never recorded, or a code of another connector, changes nothing.
  const auto other = code(10);
  verifier_->release_unused(1, other);
  EXPECT_EQ(type(other).result, Result::Accepted);
  EXPECT_EQ(type(other).result, Result::Rejected);
}

}  // namespace
}  // namespace ocpp::cp::offline_code

namespace ocpp::cp::offline_code {
namespace {

constexpr std::int64_t kDay = 24 * 3600;
const std::string kWrongCode = "Wrong code: not valid for this charge point";

// Issue 14, item 6 (docs/offline-code.md §8.1): the lockout follows elapsed time. A wall clock set
// forward and back, again and again, gives no attempts back: in one hour of real time at most the
// budget and one refill are counted, across a reboot too.
TEST_F(PileVerifierTest, SettingTheWallClockForwardAndBackGivesNoAttemptsBack) {
  install();
  const auto policy = oc::LockoutPolicy{};
  const auto start = clock_.steady_now();
  unsigned counted = 0;
  std::uint16_t serial = 0;
  auto attempt = [&](std::uint8_t connector) {
    if (type(code(serial++, connector, 1, 0, 24, "OTHER-PILE"), connector).reason == kWrongCode) ++counted;
  };
  for (int minute = 0; clock_.steady_now() - start < 1h; ++minute) {
    const auto wall = clock_.system_now();
    attempt(static_cast<std::uint8_t>(1 + minute % 7));
    clock_.set_system(wall + std::chrono::hours(48));  // far enough forward to refill everything
    attempt(static_cast<std::uint8_t>(1 + (minute + 1) % 7));
    clock_.set_system(wall);
    attempt(static_cast<std::uint8_t>(1 + (minute + 2) % 7));
    if (minute == 30) reboot();
    clock_.advance(1min);
  }
  EXPECT_LE(counted, oc::max_counted_attempts(policy, 3600)) << "at most 10 + 1 wrong codes judged in an hour";
  EXPECT_GE(counted, policy.pile_budget) << "the budget itself was there to be spent";
}

// Issue 14, item 6: a lock records when it ends on the elapsed timeline; the display still says a
// wall-clock time, and a reboot neither shortens nor loses it.
TEST_F(PileVerifierTest, ALockEndsAfterItsElapsedTimeWhateverTheWallClockSays) {
  install();
  for (std::uint16_t s = 0; s < 3; ++s) type(code(s, 1, 1, 0, 24, "OTHER-PILE"));
  const auto genuine = code(50);
  clock_.set_system(clock_.system_now() + std::chrono::hours(24 * 30));  // a month forward
  reboot();
  EXPECT_NE(type(genuine).reason.find("locked"), std::string::npos) << "a minute of lock is still a minute";
  clock_.set_system(clock_.system_now() - std::chrono::hours(24 * 30));
  clock_.advance(61s);
  EXPECT_EQ(type(genuine).result, Result::Accepted);
}

// §8.1: a lockout state written by an older version, on the wall-clock timeline, keeps what was
// left of its lock on the elapsed one: no time is gained by the upgrade.
TEST_F(PileVerifierTest, ALockoutWrittenOnTheWallClockTimelineKeepsWhatWasLeftOfIt) {
  install();
  // The budget spent, the next refill due half an hour after that state was written.
  codes_->put_value("lockout", "lockout/1 seen=" + std::to_string(kNoon) + " budget=0@" + std::to_string(kNoon - 1800) +
                                   " conn=");
  reboot();
  const auto genuine = code(60);
  const auto locked = type(genuine);
  EXPECT_EQ(locked.reason, "Code entry is locked after wrong codes: try again after 2026-11-24 12:30 UTC");
  clock_.advance(29min);
  EXPECT_EQ(type(genuine).result, Result::Rejected);
  clock_.advance(2min);
  EXPECT_EQ(type(genuine).result, Result::Accepted);
}

// §8.1: a lockout state damaged outside the program errs on the side of refusing, for one refill
// interval of elapsed time, not for ever.
TEST_F(PileVerifierTest, ADamagedLockoutStateLocksUntilTheNextRefillOnly) {
  install();
  codes_->put_value("lockout", "lockout/1 garbage");
  reboot();
  const auto genuine = code(61);
  EXPECT_NE(type(genuine).reason.find("locked"), std::string::npos);
  clock_.advance(30min);
  EXPECT_NE(type(genuine).reason.find("locked"), std::string::npos);
  clock_.advance(31min);
  EXPECT_EQ(type(genuine).result, Result::Accepted);
}

// Issue 14, item 7 (§7): a CSMS that sends a time a year ahead raises the floor by a day at most;
// once the pile's clock is right again (a reboot drops the CSMS's offset), genuine codes are still
// recognised and none counts as a wrong code; the next correct sync takes the bogus part back.
TEST_F(PileVerifierTest, ABogusFutureTimeRaisesTheFloorByADayAtMostAndTheNextSyncTakesItBack) {
  install();
  pile_clocks_.known_floor = kNoon - 2 * 3600;  // a floor close to the true time
  reboot();
  clock_.advance(1h);  // the next hourly record of a sync
  const auto truth = clock_.system_now();
  clock_.set_system(truth + std::chrono::hours(365 * 24));
  verifier_->clock_synced();
  EXPECT_LE(verifier_->time_floor(), unix_now() - 365 * kDay + kDay) << "one sync: a day at most";
  EXPECT_GT(verifier_->time_floor(), unix_now() - 365 * kDay) << "the floor did move";
  clock_.set_system(truth);
  reboot();
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Untrusted) << "the clock reads earlier than the last sync";
  const auto short_code = code(1, 1, 1, 0, 1);
  for (int i = 0; i < 12; ++i) {
    const auto v = type(short_code);
    EXPECT_EQ(v.reason.rfind("This code expired at", 0), 0u) << "refused because of the clock, not as wrong: " << v.reason;
  }
  EXPECT_TRUE(event_types().empty()) << "no lockout: none of those counted";
  EXPECT_EQ(type(code(2, 1, 1, 0, 48)).result, Result::Accepted) << "a code valid past the floor is accepted";
  verifier_->clock_synced();  // the CSMS is right again
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Synced);
  EXPECT_LE(verifier_->time_floor(), unix_now());
  EXPECT_EQ(type(short_code).result, Result::Accepted);
}

// Issue 14, item 5 (§7): a pile that was never online, with a factory key and no CSMS.
class NeverOnlineTest : public PileVerifierTest {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    clock_.set_system(SystemTime{std::chrono::seconds(kNoon)});
    pile_clocks_.known_floor = kNoon - 90 * kDay;  // built three months ago
    boot();
    install();
  }
};

TEST_F(NeverOnlineTest, AcceptsGenuineCodesByItsClocksReadingAndStillCountsForgeries) {
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Untrusted) << "never synced";
  EXPECT_EQ(verifier_->time_floor(), kNoon - 90 * kDay) << "the floor starts at the build time, not at 1970";
  EXPECT_EQ(type(code(1)).result, Result::Accepted);
  EXPECT_EQ(type(code(1)).reason, "This code has already been used");
  EXPECT_EQ(type(code(2, 1, 1, 0, 24, "OTHER-PILE")).reason, kWrongCode);
  EXPECT_GE(verifier_->time_floor(), kNoon - 169 * 3600) << "the accepted code raised the floor";
}

TEST_F(NeverOnlineTest, WithoutAUsableClockTheIntegratorsTimeFloorFileIsTheReference) {
  const auto path = std::string(::testing::TempDir()) + "/time_floor_" + std::to_string(::getpid());
  {
    std::ofstream f(path);
    f << "  " << format_rfc3339(SystemTime{std::chrono::seconds(kNoon - 2 * kDay)}) << "\n";
  }
  std::string error;
  const auto from_file = read_time_floor_file(path, &error);
  ASSERT_TRUE(from_file) << error;
  EXPECT_EQ(*from_file, kNoon - 2 * kDay);
  const auto genuine = code(3);
  const auto forged = code(4, 1, 1, 0, 24, "OTHER-PILE");
  pile_clocks_.rtc_valid = [] { return false; };  // the RTC lost its time: its reading says nothing
  clock_.set_system(SystemTime{std::chrono::seconds(0)});
  boot();
  EXPECT_EQ(type(genuine).reason, kWrongCode) << "a floor three months old cannot date the code";
  pile_clocks_.known_floor = *from_file;
  boot();
  EXPECT_EQ(type(genuine).result, Result::Accepted);
  EXPECT_EQ(type(forged).reason, kWrongCode);
  std::ofstream(path) << "yesterday\n";
  EXPECT_FALSE(read_time_floor_file(path, &error));
  EXPECT_NE(error.find("RFC 3339"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST_F(NeverOnlineTest, AClockTheKernelKeepsSynchronisedIsTrusted) {
  pile_clocks_.kernel_synchronised = [] { return true; };
  boot();
  EXPECT_EQ(verifier_->clock_view().state, oc::ClockState::Synced);
  EXPECT_EQ(type(code(5)).result, Result::Accepted);
  const auto week = code(6, 1, 1, 0, 168);
  clock_.set_system(clock_.system_now() - std::chrono::hours(13));  // the clock behind: judged by it
  EXPECT_EQ(type(week).reason, "This code is not valid yet (is the charge point's clock right?)");
}

}  // namespace
}  // namespace ocpp::cp::offline_code
