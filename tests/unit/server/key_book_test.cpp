// The key book: versions provisioned and confirmed, serials never reused, rotation after 3072
// (docs/offline-code.md §6).
#include "ocpp/server/key_book.hpp"
#include "server_test_support.hpp"

namespace ocpp::server::test {
namespace {

class KeyBookTest : public ServerTest {
 protected:
  KeyBook book() { return KeyBook(*db, clock); }
  SerialAllocation allocate(KeyBook& b, const std::string& cp = "CP-1") {
    auto a = b.allocate_serial(cp);
    if (!std::holds_alternative<SerialAllocation>(a)) throw std::runtime_error("allocation refused");
    return std::get<SerialAllocation>(a);
  }
};

TEST_F(KeyBookTest, ANewPileGetsVersion1AndCodesOnlyOnceItConfirmedIt) {
  KeyBook b = book();
  EXPECT_EQ(b.state("CP-1").current_version, 1u);
  EXPECT_FALSE(b.state("CP-1").codes_available());
  EXPECT_EQ(std::get<SerialRefusal>(b.allocate_serial("CP-1")), SerialRefusal::NoKey);

  const KeyDecision d = b.on_reported_version("CP-1", 0);
  EXPECT_TRUE(d.provision);
  EXPECT_EQ(d.version, 1u);
  EXPECT_FALSE(b.state("CP-1").codes_available()) << "sent is not confirmed";

  b.on_accepted("CP-1", 1);
  EXPECT_EQ(b.state("CP-1").confirmed_version, 1u);
  EXPECT_EQ(allocate(b).key_version, 1u);
}

TEST_F(KeyBookTest, APileThatReportsTheCurrentVersionIsConfirmedWithoutProvisioning) {
  KeyBook b = book();
  b.on_reported_version("CP-1", 0);
  b.on_accepted("CP-1", 1);
  // The next boot: the pile says it holds 1.
  const KeyDecision d = b.on_reported_version("CP-1", 1);
  EXPECT_FALSE(d.provision);
  EXPECT_EQ(d.version, 1u);
  EXPECT_TRUE(b.state("CP-1").codes_available());
}

TEST_F(KeyBookTest, AnAcceptLostOnTheWayIsConfirmedByTheNextBootsReport) {
  KeyBook b = book();
  b.on_reported_version("CP-1", 0);  // version 1 sent, answer lost
  EXPECT_FALSE(b.on_reported_version("CP-1", 1).provision);
  EXPECT_EQ(b.state("CP-1").confirmed_version, 1u);
}

TEST_F(KeyBookTest, APileAheadOfTheServerMovesTheServerAboveIt) {
  // The server's database was lost: the pile holds version 5, whose used serials nobody knows.
  KeyBook b = book();
  const KeyDecision d = b.on_reported_version("CP-1", 5);
  EXPECT_TRUE(d.provision);
  EXPECT_EQ(d.version, 6u);
  EXPECT_FALSE(b.state("CP-1").codes_available()) << "nothing under version 5";
  b.on_accepted("CP-1", 6);
  const SerialAllocation a = allocate(b);
  EXPECT_EQ(a.key_version, 6u);
  EXPECT_EQ(a.serial, 0u);
}

TEST_F(KeyBookTest, APileThatLostItsKeysIsRotatedAboveEveryVersionItHeld) {
  KeyBook b = book();
  b.on_reported_version("CP-1", 0);
  b.on_accepted("CP-1", 1);
  allocate(b);
  // Replaced or reset: it reports no key, and its replay window of version 1 is gone.
  const KeyDecision d = b.on_reported_version("CP-1", 0);
  EXPECT_TRUE(d.provision);
  EXPECT_EQ(d.version, 2u);
  EXPECT_FALSE(b.state("CP-1").codes_available()) << "serials of version 1 would be accepted again";
}

TEST_F(KeyBookTest, SerialsCountUpAndAreNeverReusedAcrossRestartsOrPiles) {
  {
    KeyBook b = book();
    b.on_reported_version("CP-1", 0);
    b.on_accepted("CP-1", 1);
    b.on_reported_version("CP-2", 0);
    b.on_accepted("CP-2", 1);
    EXPECT_EQ(allocate(b).serial, 0u);
    EXPECT_EQ(allocate(b).serial, 1u);
    EXPECT_EQ(allocate(b, "CP-2").serial, 0u) << "each pile has its own serials";
  }
  reopen();
  KeyBook b = book();
  EXPECT_EQ(allocate(b).serial, 2u);
  EXPECT_EQ(b.issued_count("CP-1", 1), 3u);
}

TEST_F(KeyBookTest, After3072SerialsTheNextVersionIsDueTheRestBridgesAndThenIssuingStops) {
  KeyBook b = book();
  b.on_reported_version("CP-1", 0);
  b.on_accepted("CP-1", 1);
  EXPECT_FALSE(allocate(b).rotation_due);
  // As if 3070 codes had been issued since (each allocation is a durable transaction: too slow to loop).
  db->exec("UPDATE offline_code_serials SET next_serial=3070 WHERE charge_point_id='CP-1'");
  const SerialAllocation before = allocate(b);
  EXPECT_EQ(before.serial, 3070u);
  EXPECT_FALSE(before.rotation_due);
  const SerialAllocation at_threshold = allocate(b);
  EXPECT_EQ(at_threshold.serial, 3071u);
  EXPECT_TRUE(at_threshold.rotation_due) << "the 3072nd code makes the next version due";
  EXPECT_EQ(b.state("CP-1").current_version, 2u);
  EXPECT_EQ(b.state("CP-1").confirmed_version, 1u);
  EXPECT_FALSE(allocate(b).rotation_due) << "due once, not at every code";

  // Until the pile takes version 2, codes keep coming from version 1's last serials.
  db->exec("UPDATE offline_code_serials SET next_serial=4095 WHERE charge_point_id='CP-1'");
  const SerialAllocation last = allocate(b);
  EXPECT_EQ(last.key_version, 1u);
  EXPECT_EQ(last.serial, 4095u);
  EXPECT_EQ(std::get<SerialRefusal>(b.allocate_serial("CP-1")), SerialRefusal::Exhausted);

  b.on_accepted("CP-1", 2);
  const SerialAllocation fresh = allocate(b);
  EXPECT_EQ(fresh.key_version, 2u);
  EXPECT_EQ(fresh.serial, 0u);
}

TEST_F(KeyBookTest, ALateAcceptOfASupersededVersionMovesNothingBack) {
  KeyBook b = book();
  b.on_reported_version("CP-1", 4);  // server moves to 5
  b.on_accepted("CP-1", 5);
  b.on_accepted("CP-1", 3);          // an old answer arriving late
  EXPECT_EQ(b.state("CP-1").confirmed_version, 5u);
}

TEST_F(KeyBookTest, APileWithoutOfflineCodesIsRecordedAsSuch) {
  KeyBook b = book();
  b.on_unsupported("CP-1", "not supported: no OfflineCodeKeyVersion");
  const KeyState s = b.state("CP-1");
  ASSERT_TRUE(s.supported.has_value());
  EXPECT_FALSE(*s.supported);
  EXPECT_FALSE(s.codes_available());
  EXPECT_NE(s.status.find("not supported"), std::string::npos);
}

}  // namespace
}  // namespace ocpp::server::test
