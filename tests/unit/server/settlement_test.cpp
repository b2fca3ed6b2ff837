// Settlement: exactly one per code whatever is replayed, the amount from the meter and the tariff,
// anomalies flagged and reported, ordinary transactions left alone (docs/offline-code.md §9).
#include "service_test_support.hpp"

namespace ocpp::server::test {
namespace {

class SettlementTest : public ServiceTest {
 protected:
  SettlementTest() {
    provision("CP-1");
    provision("CP-2");
    code = issue("alice", "CP-1", 1).record;
  }

  EndedTransaction session(const std::string& tag, const std::string& tx = "17", int connector = 1,
                           std::optional<std::int64_t> start_wh = 1'000, std::optional<std::int64_t> stop_wh = 16'432,
                           const std::string& cp = "CP-1") {
    EndedTransaction t;
    t.charge_point_id = cp;
    t.transaction_id = tx;
    t.connector_id = connector;
    t.id_tag = tag;
    t.meter_start_wh = start_wh;
    t.meter_stop_wh = stop_wh;
    t.started_at = "2026-03-01T10:30:00.000Z";
    t.stopped_at = "2026-03-01T11:45:30.000Z";
    return t;
  }

  std::vector<SecurityEvent> csms_events(const std::string& type) {
    std::vector<SecurityEvent> out;
    for (auto& e : service->security_events(std::nullopt)) {
      if (e.source == kSourceCsms && e.type == type) out.push_back(e);
    }
    return out;
  }

  IssuedCodeRecord code;
};

TEST_F(SettlementTest, TheDriverIsBilledTheMeteredEnergyAtTheTariff) {
  service->on_transaction_started("CP-1", "17", 1, code.code, "2026-03-01T10:30:00.000Z");
  const auto out = service->on_transaction_ended(session(code.code));
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->created);
  const Settlement& s = out->settlement;
  EXPECT_EQ(s.user, std::optional<std::string>("alice"));
  EXPECT_EQ(s.code, code.code);
  EXPECT_EQ(s.charge_point_id, "CP-1");
  EXPECT_EQ(s.connector_id, 1);
  EXPECT_EQ(s.transaction_id, "17");
  EXPECT_EQ(s.energy_wh, 15'432);
  EXPECT_EQ(s.amount, "4.63");  // 15.432 kWh * 0.30 = 4.6296
  EXPECT_EQ(s.currency, "EUR");
  EXPECT_EQ(s.duration_s, std::optional<std::int64_t>(75 * 60 + 30));
  EXPECT_EQ(s.started_at, "2026-03-01T10:30:00.000Z");
  EXPECT_EQ(s.stopped_at, "2026-03-01T11:45:30.000Z");
  EXPECT_FALSE(s.anomaly);
  const auto mine = service->settlements_of("alice");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].amount, "4.63");
}

TEST_F(SettlementTest, TheTariffAndCurrencyAreTheServers) {
  auto o = enabled_options();
  o.tariff = *Tariff::parse("0.25", "CHF");
  make(o);
  const auto out = service->on_transaction_ended(session(code.code));
  EXPECT_EQ(out->settlement.amount, "3.86");  // 3.858
  EXPECT_EQ(out->settlement.currency, "CHF");
}

TEST_F(SettlementTest, ASessionReplayedTwiceAndAfterARestartIsSettledOnce) {
  EXPECT_TRUE(service->on_transaction_ended(session(code.code))->created);
  const auto replay = service->on_transaction_ended(session(code.code));
  EXPECT_FALSE(replay->created);
  EXPECT_EQ(replay->settlement.amount, "4.63");
  restart();
  EXPECT_FALSE(service->on_transaction_ended(session(code.code))->created);
  EXPECT_EQ(service->settlements_of("alice").size(), 1u);
  EXPECT_EQ(service->all_settlements(false).size(), 1u);
  EXPECT_TRUE(csms_events(kEventCodeUsedTwice).empty()) << "a replay is not a second use";
}

TEST_F(SettlementTest, TheDatabaseItselfRefusesASecondSettlementOfACode) {
  service->on_transaction_ended(session(code.code));
  EXPECT_THROW(db->exec("INSERT INTO offline_code_settlements(code, charge_point_id, connector_id, transaction_id, "
                        "energy_wh, started_at, stopped_at, amount, currency, settled_at) "
                        "VALUES('" + code.code + "', 'CP-1', 1, '99', 1, '', '', '0.00', 'EUR', '')"),
               db::DbError);
}

TEST_F(SettlementTest, ASecondTransactionWithTheSameCodeIsNotBilledAndIsReported) {
  service->on_transaction_ended(session(code.code, "17"));
  const auto second = service->on_transaction_ended(session(code.code, "18", 1, 20'000, 30'000));
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->settlement.transaction_id, "17");
  EXPECT_EQ(service->settlements_of("alice").size(), 1u);
  const auto events = csms_events(kEventCodeUsedTwice);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].charge_point_id, "CP-1");
  EXPECT_NE(events[0].tech_info.find("18"), std::string::npos);
  service->on_transaction_ended(session(code.code, "18", 1, 20'000, 30'000));
  EXPECT_EQ(csms_events(kEventCodeUsedTwice).size(), 1u) << "its replay is counted on the same event";
  EXPECT_EQ(csms_events(kEventCodeUsedTwice)[0].received_count, 2);
}

TEST_F(SettlementTest, AGenuineCodeNeverIssuedIsSettledAsAnAnomalyWithoutUserAndReported) {
  const std::string forged = forged_code("CP-1", 777, 1);
  const auto out = service->on_transaction_ended(session(forged, "30"));
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->created);
  EXPECT_FALSE(out->settlement.user);
  EXPECT_EQ(out->settlement.anomaly, std::optional<std::string>("never_issued"));
  EXPECT_EQ(out->settlement.amount, "4.63") << "the energy is on record all the same";
  EXPECT_EQ(service->settlements_of("alice").size(), 0u);
  ASSERT_EQ(service->all_settlements(true).size(), 1u);
  EXPECT_EQ(service->all_settlements(true)[0].code, forged);
  EXPECT_EQ(csms_events(kEventCodeNotIssued).size(), 1u);
}

TEST_F(SettlementTest, ACodeIssuedForAnotherPileIsSettledAsAnAnomalyNamingThatPile) {
  const auto out = service->on_transaction_ended(session(code.code, "5", 1, 0, 1'000, "CP-2"));
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->settlement.user);
  EXPECT_EQ(out->settlement.anomaly, std::optional<std::string>("issued_for_other_pile"));
  EXPECT_EQ(out->settlement.issued_charge_point_id, std::optional<std::string>("CP-1"));
  EXPECT_EQ(csms_events(kEventCodeOfOtherPile).size(), 1u);
  EXPECT_TRUE(service->settlements_of("alice").empty());
}

TEST_F(SettlementTest, AnOrdinaryTransactionIsNoSettlement) {
  EXPECT_FALSE(service->on_transaction_ended(session("TAG-1")));
  EXPECT_FALSE(service->on_transaction_ended(session("")));
  EXPECT_TRUE(service->all_settlements(false).empty());
  EXPECT_TRUE(service->security_events(std::nullopt).empty());
}

TEST_F(SettlementTest, OddMeterReadingsAndAWrongConnectorAreBilledToTheDriverButFlagged) {
  const auto backwards = service->on_transaction_ended(session(code.code, "1", 1, 5'000, 4'000));
  EXPECT_EQ(backwards->settlement.anomaly, std::optional<std::string>("negative_energy"));
  EXPECT_EQ(backwards->settlement.energy_wh, 0);
  EXPECT_EQ(backwards->settlement.amount, "0.00");
  EXPECT_EQ(backwards->settlement.user, std::optional<std::string>("alice"));

  const auto second = issue("alice", "CP-1", 1).record;
  const auto missing = service->on_transaction_ended(session(second.code, "2", 1, std::nullopt, 4'000));
  EXPECT_EQ(missing->settlement.anomaly, std::optional<std::string>("meter_readings_missing"));

  const auto third = issue("bob", "CP-1", 1).record;
  const auto elsewhere = service->on_transaction_ended(session(third.code, "3", 2));
  EXPECT_EQ(elsewhere->settlement.anomaly, std::optional<std::string>("connector_mismatch"));
  EXPECT_EQ(elsewhere->settlement.user, std::optional<std::string>("bob"));
  EXPECT_EQ(service->all_settlements(true).size(), 3u);
}

TEST_F(SettlementTest, IssuedCodesSettleEvenWhenTheServerRunsWithoutMasterSecret) {
  restart(OfflineCodeOptions{});
  const auto out = service->on_transaction_ended(session(code.code));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->settlement.user, std::optional<std::string>("alice"));
}

TEST_F(SettlementTest, ThePilesSecurityEventsAreKeptOnceAndCountedWhenReplayed) {
  service->on_security_event("CP-1", "OfflineCodeLockout", "2026-03-01T10:40:00Z", "connector 1 locked for 1 min");
  service->on_security_event("CP-1", "OfflineCodeLockout", "2026-03-01T10:40:00Z", "connector 1 locked for 1 min");
  service->on_security_event("CP-2", "OfflineCodeReplayed", "2026-03-01T10:41:00Z", "");
  const auto all = service->security_events(std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].type, "OfflineCodeLockout");
  EXPECT_EQ(all[0].source, kSourceChargePoint);
  EXPECT_EQ(all[0].received_count, 2);
  EXPECT_EQ(all[0].tech_info, "connector 1 locked for 1 min");
  const auto cp2 = service->security_events(std::string("CP-2"));
  ASSERT_EQ(cp2.size(), 1u);
  EXPECT_EQ(cp2[0].type, "OfflineCodeReplayed");
}

}  // namespace
}  // namespace ocpp::server::test
