// Issuing and verifying (docs/offline-code.md sections 2, 4, 5): every verdict, typing errors told
// apart from wrong codes, codes bound to their pile, and random round trips.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ocpp/offline_code/offline_code.hpp"
#include "time_helpers.hpp"

namespace ocpp::offline_code {
namespace {

class Codes : public ::testing::Test {
 protected:
  Codes() {
    for (std::size_t i = 0; i < master_.size(); ++i) master_[i] = static_cast<std::uint8_t>(0xa0 + i);
  }
  PileKey key(std::string_view id, std::uint32_t version = 1) const { return derive_pile_key(master_, id, version); }
  Fields fields(std::uint16_t serial, std::uint8_t connector = 1, unsigned hours = 2, std::uint32_t version = 1) const {
    Fields f;
    f.key_version = version;
    f.serial = serial;
    f.connector = connector;
    f.expiry_hours = expiry_hours_for(now_, hours);
    return f;
  }
  std::string code(const Fields& f, std::string_view id = "CP-A") const { return encode(f, key(id, f.key_version), id); }
  Verdict check(const std::string& typed, unsigned connector = 1, std::string_view id = "CP-A",
                std::vector<std::uint32_t> versions = {1}) const {
    return check_at(typed, now_ + 60, true, connector, id, versions);
  }
  Verdict check_at(const std::string& typed, UnixSeconds at, bool trusted, unsigned connector = 1,
                   std::string_view id = "CP-A", std::vector<std::uint32_t> versions = {1}) const {
    std::vector<PileKey> ring;
    for (auto v : versions) ring.push_back(key(id, v));
    return verify(typed, ring, id, connector, at, trusted);
  }

  MasterSecret master_{};
  UnixSeconds now_ = test::unix_time("2027-06-15T08:42:17Z");
};

TEST_F(Codes, AcceptedCodeGivesItsFieldsBack) {
  Fields f = fields(42, 3, 5);
  f.cap_step = 4;
  const std::string c = code(f);
  ASSERT_EQ(c.size(), 16u);
  const Verdict v = check(c, 3);
  EXPECT_EQ(v.status, Status::Accepted);
  ASSERT_TRUE(v.fields);
  EXPECT_EQ(*v.fields, f);
  EXPECT_EQ(energy_cap_wh(v.fields->cap_step), 5000u);
  EXPECT_TRUE(v.accepted());
  EXPECT_FALSE(v.counts_as_failure());
}

TEST_F(Codes, EveryRefusalReason) {
  const std::string good = code(fields(7, 2));
  // Malformed: length, characters, and the reserved payload range.
  EXPECT_EQ(check(good.substr(1), 2).status, Status::Malformed);
  EXPECT_EQ(check(good + "0", 2).status, Status::Malformed);
  EXPECT_EQ(check("", 2).status, Status::Malformed);
  EXPECT_EQ(check(good.substr(0, 15) + "x", 2).status, Status::Malformed);
  EXPECT_EQ(check(good.substr(0, 8) + "." + good.substr(8), 2).status, Status::Malformed);
  std::string reserved = "562949953421312";  // 2^49
  reserved.push_back(static_cast<char>('0' + *damm_check_digit(reserved)));
  EXPECT_EQ(check(reserved, 2).status, Status::Malformed);
  // Typo.
  std::string typo = good;
  typo[3] = typo[3] == '0' ? '1' : '0';
  EXPECT_EQ(check(typo, 2).status, Status::Typo);
  // UnknownKeyVersion: a version-2 code on a pile that holds only version 1.
  EXPECT_EQ(check(code(fields(7, 2, 2, 2)), 2).status, Status::UnknownKeyVersion);
  // BadMac: the same fields under another pile's key.
  const Verdict bad = check(code(fields(7, 2), "CP-B"), 2);
  EXPECT_EQ(bad.status, Status::BadMac);
  EXPECT_FALSE(bad.fields) << "nothing of a forged code is reported";
  EXPECT_TRUE(bad.counts_as_failure());
  // WrongConnector.
  const Verdict wrong = check(good, 1);
  EXPECT_EQ(wrong.status, Status::WrongConnector);
  ASSERT_TRUE(wrong.fields);
  EXPECT_EQ(wrong.fields->connector, 2);
  // Expired and NotYetValid.
  const Fields f = fields(7, 2, 2);
  EXPECT_EQ(check_at(good, expires_at(f) + kSyncedTolerance, true, 2).status, Status::Expired);
  EXPECT_EQ(check_at(good, expires_at(f) + kSyncedTolerance - 1, true, 2).status, Status::Accepted);
  const Fields week = fields(8, 2, 168);
  const UnixSeconds limit = expires_at(week) - kMaxLifeHours * kHour - kSyncedTolerance;  // pile clock behind
  EXPECT_EQ(check_at(code(week), limit - 1, true, 2).status, Status::NotYetValid);
  EXPECT_EQ(check_at(code(week), limit, true, 2).status, Status::Accepted);
  // Only a wrong MAC counts.
  for (const Status s : {Status::Accepted, Status::Malformed, Status::Typo, Status::UnknownKeyVersion,
                         Status::WrongConnector, Status::NotYetValid, Status::Expired}) {
    EXPECT_FALSE((Verdict{s, std::nullopt}.counts_as_failure())) << to_string(s);
  }
}

TEST_F(Codes, SpacesAndDashesAreIgnored) {
  const std::string c = code(fields(9));
  EXPECT_EQ(check(group_digits(c)).status, Status::Accepted);
  EXPECT_EQ(check(c.substr(0, 4) + "-" + c.substr(4, 4) + "-" + c.substr(8, 4) + "-" + c.substr(12)).status,
            Status::Accepted);
  EXPECT_EQ(check(" " + c + " ").status, Status::Accepted);
  EXPECT_EQ(check(c.substr(0, 8) + "\t" + c.substr(8)).status, Status::Malformed);
  EXPECT_EQ(group_digits(c).size(), 19u);
  EXPECT_EQ(group_digits("123"), "123");
}

TEST_F(Codes, EverySingleSubstitutionAndAdjacentSwapIsATypo) {
  // Several codes with different fields; every one of the 144 substitutions and 15 swaps of each.
  std::vector<std::string> samples;
  for (std::uint16_t s : {0, 1, 77, 1000, 4095}) {
    for (std::uint8_t conn : {0, 1, 7}) {
      Fields f = fields(s, conn, 1 + s % 168);
      f.cap_step = static_cast<std::uint8_t>(s % 8);
      samples.push_back(code(f));
    }
  }
  std::size_t checked = 0;
  for (const auto& c : samples) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == c[i]) continue;
        std::string t = c;
        t[i] = d;
        ASSERT_EQ(check(t, 1).status, Status::Typo) << c << " -> " << t;
        ++checked;
      }
      if (i + 1 < c.size() && c[i] != c[i + 1]) {
        std::string t = c;
        std::swap(t[i], t[i + 1]);
        ASSERT_EQ(check(t, 1).status, Status::Typo) << c << " -> " << t;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, samples.size() * 144);
}

TEST_F(Codes, PileAsCodesNeverVerifyOnPileB) {
  std::mt19937_64 rng(20260301);
  for (int i = 0; i < 3000; ++i) {
    Fields f = fields(static_cast<std::uint16_t>(rng() % 4096), static_cast<std::uint8_t>(rng() % 8),
                      static_cast<unsigned>(1 + rng() % 168));
    f.cap_step = static_cast<std::uint8_t>(rng() % 8);
    const std::string on_a = code(f, "CP-A");
    const unsigned conn = f.connector == 0 ? 1 : f.connector;
    ASSERT_EQ(check(on_a, conn, "CP-A").status, Status::Accepted);
    ASSERT_EQ(check(on_a, conn, "CP-B").status, Status::BadMac) << on_a;
    // A's key read out and used to make codes for B forges nothing there either.
    ASSERT_EQ(check(encode(f, key("CP-A"), "CP-B"), conn, "CP-B").status, Status::BadMac);
  }
}

TEST_F(Codes, RandomRoundTrips) {
  std::mt19937_64 rng(4226);
  for (int i = 0; i < 5000; ++i) {
    Fields f;
    f.key_version = static_cast<std::uint32_t>(1 + rng() % 100000);
    f.serial = static_cast<std::uint16_t>(rng() % 4096);
    f.connector = static_cast<std::uint8_t>(rng() % 8);
    f.cap_step = static_cast<std::uint8_t>(rng() % 8);
    const UnixSeconds issued = now_ + static_cast<UnixSeconds>(rng() % (20LL * 365 * 86400));
    f.expiry_hours = expiry_hours_for(issued, static_cast<unsigned>(1 + rng() % 168));
    const std::string id = "CP-" + std::to_string(rng() % 1000);
    const std::string c = encode(f, key(id, f.key_version), id);
    ASSERT_EQ(c.size(), kCodeDigits);
    ASSERT_TRUE(damm_valid(c));
    // The pile holds this version and the one before (or after), checks at some time in the code's life.
    std::vector<PileKey> ring{key(id, f.key_version), key(id, f.key_version + 1)};
    const UnixSeconds at = issued + static_cast<UnixSeconds>(rng() % static_cast<std::uint64_t>(expires_at(f) - issued));
    const unsigned conn = f.connector ? f.connector : static_cast<unsigned>(1 + rng() % 7);
    const Verdict v = verify(c, ring, id, conn, at, true);
    ASSERT_EQ(v.status, Status::Accepted) << c;
    ASSERT_EQ(*v.fields, f);
    // An untrusted pile whose floor is anywhere from the issue time back accepts it too.
    const UnixSeconds floor = issued - static_cast<UnixSeconds>(rng() % (7 * 86400));
    ASSERT_EQ(verify(c, ring, id, conn, floor, false).status, Status::Accepted) << c;
  }
}

TEST_F(Codes, ExpiryReconstructionWindows) {
  // §4.3: trusted, every expiry from 319 h before to 192 h after the hour of `now` comes back exactly;
  // untrusted, from 31 h before to 480 h after.
  for (const UnixSeconds at : {now_, now_ + 1234567, kEpoch + 5 * kHour, kEpoch + 700 * kHour}) {
    const std::int64_t n = (at - kEpoch) / kHour;
    for (std::int64_t e = n - 600; e <= n + 600; ++e) {
      if (e < 0) continue;
      const auto low = static_cast<std::uint16_t>(e % 512);
      const bool trusted_window = e >= n - 319 && e <= n + 192;
      const bool untrusted_window = e >= n - 31 && e <= n + 480;
      if (trusted_window) {
        EXPECT_EQ(reconstruct_expiry(low, at, true), e) << n << " " << e;
      } else if (e >= 512) {
        EXPECT_NE(reconstruct_expiry(low, at, true), e) << n << " " << e;
      }
      if (untrusted_window) {
        EXPECT_EQ(reconstruct_expiry(low, at, false), e) << n << " " << e;
      }
    }
  }
  // A clock before the code epoch cannot go below hour 0.
  EXPECT_EQ(reconstruct_expiry(5, 0, true), 5u);
  EXPECT_EQ(reconstruct_expiry(511, 0, true), 511u);
}

TEST_F(Codes, OldCodesOutsideTheWindowFailTheMac) {
  const std::string c = code(fields(1));
  const Fields f = fields(1);
  EXPECT_EQ(check_at(c, expires_at(f) + 300 * kHour, true).status, Status::Expired);
  EXPECT_EQ(check_at(c, expires_at(f) + 330 * kHour, true).status, Status::BadMac);
  // Untrusted: a floor after the expiry proves it expired.
  EXPECT_EQ(check_at(c, expires_at(f) + kSyncedTolerance, false).status, Status::Expired);
  EXPECT_EQ(check_at(c, expires_at(f) - 1, false).status, Status::Accepted);
}

TEST_F(Codes, DriftToleranceWidensBothEnds) {
  const Fields f = fields(3, 1, 1);
  const std::string c = code(f);
  std::vector<PileKey> ring{key("CP-A")};
  EXPECT_EQ(verify(c, ring, "CP-A", 1, expires_at(f) + 1000, true, 600).status, Status::Expired);
  EXPECT_EQ(verify(c, ring, "CP-A", 1, expires_at(f) + 1000, true, 1200).status, Status::Accepted);
}

TEST_F(Codes, KeyRotation) {
  const std::string v1 = code(fields(5, 1, 2, 1));
  const std::string v2 = code(fields(5, 1, 2, 2));
  EXPECT_NE(v1, v2);
  EXPECT_EQ(check(v1, 1, "CP-A", {1, 2}).status, Status::Accepted);
  EXPECT_EQ(check(v2, 1, "CP-A", {1, 2}).status, Status::Accepted);
  // After the next rotation the pile holds 2 and 3: version 1's parity now selects key 3.
  EXPECT_EQ(check(v1, 1, "CP-A", {2, 3}).status, Status::BadMac);
  EXPECT_EQ(check(v2, 1, "CP-A", {2, 3}).status, Status::Accepted);
  EXPECT_EQ(check(v2, 1, "CP-A", {3}).status, Status::UnknownKeyVersion);
  EXPECT_EQ(check(v2, 1, "CP-A", {}).status, Status::UnknownKeyVersion);
}

TEST_F(Codes, EncodeRefusesWhatTheLayoutCannotCarry) {
  const PileKey k = key("CP-A");
  Fields f = fields(1);
  EXPECT_NO_THROW(encode(f, k, "CP-A"));
  Fields g = f;
  g.serial = 4096;
  EXPECT_THROW(encode(g, k, "CP-A"), std::invalid_argument);
  g = f;
  g.connector = 8;
  EXPECT_THROW(encode(g, k, "CP-A"), std::invalid_argument);
  g = f;
  g.cap_step = 8;
  EXPECT_THROW(encode(g, k, "CP-A"), std::invalid_argument);
  g = f;
  g.key_version = 2;
  EXPECT_THROW(encode(g, k, "CP-A"), std::invalid_argument) << "fields and key disagree on the version";
  EXPECT_THROW(encode(f, k, ""), std::invalid_argument);
  EXPECT_THROW(verify("0", {k}, "", 1, now_, true), std::invalid_argument);
}

TEST(FieldUnits, ExpiryAndCapSteps) {
  const UnixSeconds t = test::unix_time("2026-03-01T10:15:00Z");
  EXPECT_EQ(expires_at(Fields{1, 0, expiry_hours_for(t, 2), 0, 0}), test::unix_time("2026-03-01T13:00:00Z"));
  EXPECT_EQ(expires_at(Fields{1, 0, expiry_hours_for(test::unix_time("2026-03-01T10:00:00Z"), 2), 0, 0}),
            test::unix_time("2026-03-01T12:00:00Z"))
      << "on the hour, exactly H hours";
  EXPECT_THROW(expiry_hours_for(t, 0), std::invalid_argument);
  EXPECT_THROW(expiry_hours_for(t, 169), std::invalid_argument);
  EXPECT_THROW(expiry_hours_for(kEpoch - 10 * kHour, 1), std::invalid_argument);
  EXPECT_FALSE(energy_cap_wh(0));
  EXPECT_EQ(energy_cap_wh(7), 50000u);
  EXPECT_THROW(energy_cap_wh(8), std::out_of_range);
  EXPECT_FALSE(cap_step_at_most(499));
  EXPECT_EQ(cap_step_at_most(500), 1);
  EXPECT_EQ(cap_step_at_most(999), 1);
  EXPECT_EQ(cap_step_at_most(7500), 4);
  EXPECT_EQ(cap_step_at_most(10000), 5);
  EXPECT_EQ(cap_step_at_most(1000000), 7);
  Fields f{1, 0, 100, 0, 0};
  EXPECT_EQ(earliest_issue_time(f), expires_at(f) - 169 * kHour);
}

TEST(Layout, PackAndUnpackAreInverse) {
  std::mt19937_64 rng(49);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t p = rng() % kPayloadLimit;
    EXPECT_EQ(pack(unpack(p)), p);
  }
  Packed max{4095, 511, 7, 1, 7, (1u << 21) - 1};
  EXPECT_EQ(pack(max), kPayloadLimit - 1);
  EXPECT_LT(kPayloadLimit, 1000000000000000ULL) << "fits 15 decimal digits";
}

TEST(Verdicts, HaveNamesAndSentences) {
  for (const Status s : {Status::Accepted, Status::Malformed, Status::Typo, Status::UnknownKeyVersion, Status::BadMac,
                         Status::WrongConnector, Status::NotYetValid, Status::Expired}) {
    EXPECT_NE(to_string(s), "unknown");
    EXPECT_FALSE(describe(s).empty());
  }
}

}  // namespace
}  // namespace ocpp::offline_code

namespace ocpp::offline_code {
namespace {

// §7, issue 14 item 5: an untrusted pile rebuilds the expiry from its floor and then from its
// clock's reading; either way it judges the code against the floor only, and a guess still meets
// one MAC per reference.
TEST_F(Codes, AnUntrustedPileTriesItsClocksReadingAfterTheFloor) {
  const auto c = code(fields(9, 1, 24));
  const std::vector<PileKey> ring{key("CP-A")};
  const UnixSeconds stale_floor = now_ - 90 * 86400;  // a build time three months back
  EXPECT_EQ(verify(c, ring, "CP-A", 1, stale_floor, false).status, Status::BadMac) << "the floor alone cannot date it";
  const auto v = verify_untrusted(c, ring, "CP-A", 1, stale_floor, now_ + 60);
  EXPECT_EQ(v.status, Status::Accepted);
  ASSERT_TRUE(v.fields);
  EXPECT_EQ(*v.fields, fields(9, 1, 24));
  // A clock that reads a year ahead is no help, and no harm: judged against the floor.
  EXPECT_EQ(verify_untrusted(c, ring, "CP-A", 1, stale_floor, now_ + 365 * 86400).status, Status::BadMac);
  // A floor pushed past the code's expiry: the clock's reading still recognises it, as expired.
  EXPECT_EQ(verify_untrusted(c, ring, "CP-A", 1, now_ + 30 * 86400, now_).status, Status::Expired);
  // A floor that can date it is used first, whatever the clock says; no clock reading at all.
  EXPECT_EQ(verify_untrusted(c, ring, "CP-A", 1, now_ - 86400, std::nullopt).status, Status::Accepted);
  EXPECT_EQ(verify_untrusted(c, ring, "CP-A", 1, stale_floor, std::nullopt).status, Status::BadMac);
  // Forged: wrong under both references.
  EXPECT_EQ(verify_untrusted(code(fields(9, 1, 24), "CP-B"), ring, "CP-A", 1, stale_floor, now_).status, Status::BadMac);
}

}  // namespace
}  // namespace ocpp::offline_code
