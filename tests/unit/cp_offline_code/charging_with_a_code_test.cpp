// A session paid by an offline charging code, through the whole core: keypad -> authorization
// chain -> the pile's verifier -> transaction, with the code's cap enforced, across reboots
// (DESIGN.md "The offline charging code: requirements"; principle 4).
#include <gtest/gtest.h>

#include "../core/core_test_support.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"
#include "ocpp/cp/offline_code/key_ring.hpp"
#include "ocpp/cp/offline_code/pile_verifier.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::cp::offline_code {
namespace {

namespace oc = ocpp::offline_code;
using namespace std::chrono_literals;
using core_test::CoreFixture;

constexpr const char* kChargingPile = "PILE-7";

class ChargingWithACode : public CoreFixture {
 protected:
  void SetUp() override {
    CoreFixture::SetUp();
    csms_.online_ = false;  // the story of the patent: the link is down
    boot_with_codes();
    ASSERT_EQ(ring_->install(key()), std::nullopt);
  }
  void TearDown() override {
    drop_codes();
    CoreFixture::TearDown();
  }

  void boot_with_codes() {
    boot();
    codes_ = std::make_unique<CodeStore>(store_->db());
    events_ = std::make_unique<SecurityEvents>(store_->db());
    ring_ = std::make_unique<KeyRing>(*codes_, clock_);
    verifier_ = std::make_unique<PileCodeVerifier>(*codes_, *ring_, *events_, *settings_, clock_, kChargingPile);
    authorizer_->set_offline_code_verifier(verifier_.get());
    verifier_->clock_synced();
  }
  void drop_codes() {
    if (authorizer_) authorizer_->set_offline_code_verifier(nullptr);
    verifier_.reset();
    ring_.reset();
    events_.reset();
    codes_.reset();
  }
  void reboot_with_codes() {
    drop_codes();
    shutdown();
    boot_with_codes();
  }

  static oc::PileKey key() {
    oc::MasterSecret m{};
    m.fill(0x42);
    return oc::derive_pile_key(m, kChargingPile, 1);
  }
  std::string code(std::uint16_t serial, std::uint8_t connector, std::uint8_t cap_step = 0) {
    oc::Fields f;
    f.serial = serial;
    f.connector = connector;
    f.cap_step = cap_step;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
    f.expiry_hours = oc::expiry_hours_for(now, 24);
    return oc::encode(f, key(), kChargingPile);
  }

  // What `ocpp-cpctl enter-code` gets back.
  std::pair<bool, std::string> enter(ConnectorId id, const std::string& typed) {
    std::pair<bool, std::string> out{false, "no answer"};
    cp().present(id, typed, IdSource::Keypad, [&](bool ok, const std::string& why) { out = {ok, why}; });
    loop_.run_pending();
    return out;
  }

  std::unique_ptr<CodeStore> codes_;
  std::unique_ptr<SecurityEvents> events_;
  std::unique_ptr<KeyRing> ring_;
  std::unique_ptr<PileCodeVerifier> verifier_;
};

TEST_F(ChargingWithACode, AnOfflineCodeStartsATransactionThatIsStoredWithTheCodeAndIsSingleUse) {
  const auto c = code(1, 1);
  ASSERT_EQ(pile().plug(1), "");
  const auto [ok, why] = enter(1, c);
  ASSERT_TRUE(ok) << why;
  ASSERT_EQ(pile().ev_charge(1), "");
  loop_.run_pending();
  const auto t = tx(1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id_tag, c) << "1.6: the code is the transaction's idTag";
  EXPECT_TRUE(t->offline_code);
  ASSERT_EQ(starts().size(), 1u);
  EXPECT_EQ(starts()[0].id_tag, c);
  // The contactor closed only after the serial was on disk and the transaction recorded.
  ASSERT_FALSE(moves_.empty());
  EXPECT_TRUE(moves_.front().closing);
  ASSERT_EQ(moves_.front().open_transactions.size(), 1u);
  EXPECT_TRUE(moves_.front().open_transactions[0].offline_code);
  EXPECT_FALSE(codes_->window(1).empty());

  // The same code on the other connector (a code for connector 1 anyway) and after a reboot.
  ASSERT_EQ(pile().plug(2), "");
  EXPECT_EQ(enter(2, c).second, "code refused: This code is for connector 1");
  reboot_with_codes();
  EXPECT_TRUE(all_transactions().front().offline_code) << "the flag is stored with the transaction";
  ASSERT_EQ(pile().unplug(1), "");
  loop_.run_pending();
  ASSERT_EQ(pile().plug(1), "");
  EXPECT_EQ(enter(1, c).second, "code refused: This code has already been used");
}

TEST_F(ChargingWithACode, ARefusedCodeIsShownOnTheDisplayWithItsReason) {
  ASSERT_EQ(pile().plug(1), "");
  auto typo = code(2, 1);
  typo[0] = typo[0] == '9' ? '0' : static_cast<char>(typo[0] + 1);
  const auto [ok, why] = enter(1, typo);
  EXPECT_FALSE(ok);
  EXPECT_EQ(why, "code refused: Typing error: check the digits and enter the code again");
  EXPECT_EQ(pile().sim_display().text(1), "Typing error: check the digits and enter the code again");
  EXPECT_FALSE(tx(1));
}

TEST_F(ChargingWithACode, TheCodesEnergyCapStopsTheTransactionThereEvenAcrossAReboot) {
  resume_after_power_loss_ = true;
  const auto c = code(3, 1, /*cap_step=*/2);  // 1000 Wh
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_TRUE(enter(1, c).first);
  ASSERT_EQ(pile().set_power(1, 7200), "");
  ASSERT_EQ(pile().ev_charge(1), "");
  loop_.run_pending();
  const double start = register_wh(1);
  advance(5min);  // 600 Wh at 7.2 kW
  ASSERT_TRUE(tx(1));
  reboot_with_codes();  // the controller restarts; the EV stays plugged in and the meter counts on
  ASSERT_TRUE(tx(1)) << "resumed";
  EXPECT_TRUE(tx(1)->offline_code);
  advance(5min);
  EXPECT_FALSE(tx(1)) << "stopped at the cap";
  ASSERT_EQ(stops().size(), 1u);
  EXPECT_EQ(stops()[0].reason, StopReason::EnergyLimitReached);
  EXPECT_GE(stops()[0].meter_stop_wh - start, 1000.0);
  EXPECT_LE(stops()[0].meter_stop_wh - start, 1010.0) << "stopped close to the cap, not at the next sample";
}

TEST_F(ChargingWithACode, AKeypadCodeConfirmedByTheCsmsIsNeverCached) {
  const auto c = code(4, 1);
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_TRUE(enter(1, c).first);
  ASSERT_EQ(pile().ev_charge(1), "");
  loop_.run_pending();
  confirm(tx(1)->pk, "99", AuthorizationStatus::Accepted);
  EXPECT_FALSE(cache_->lookup(c, clock_.system_now())) << "a code in the cache could start a second session";
}

}  // namespace
}  // namespace ocpp::cp::offline_code
