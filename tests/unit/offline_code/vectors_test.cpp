// The test vectors of docs/offline-code.md section 12, exactly as the spec prints them (the same
// values are recomputed independently by vectors_check.py, which reads the spec).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ocpp/offline_code/offline_code.hpp"
#include "time_helpers.hpp"

namespace ocpp::offline_code {
namespace {

MasterSecret spec_master() { return *parse_master_secret("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"); }

struct KeyVector {
  const char* charge_point_id;
  std::uint32_t version;
  const char* hex;
};
const KeyVector kKeys[] = {
    {"CP-TEST-0001", 1, "f8cc9b3519e76b2a5c90cc6e159a89e958c9be3f501b202cc2efa4bfaf09b577"},
    {"CP-TEST-0001", 2, "8e8bf50b9732ada3d492b2f0d11cd21135ea56d0559402e7e5dbf6c380975b9b"},
    {"CP-TEST-0002", 1, "6148e67b3660cfb499ee60ed1043a1428ea236fc7fb68b22a306042b8c35f2d4"},
};

struct CodeVector {
  const char* name;
  const char* charge_point_id;
  std::uint32_t version;
  std::uint16_t serial;
  std::uint8_t connector;
  unsigned valid_hours;
  const char* issued_at;
  std::uint64_t cap_wh;  // 0 = none
  std::uint8_t cap_step;
  std::uint32_t expiry_hours;
  const char* expires_at;
  const char* mac_input_hex;
  std::uint32_t mac;
  std::uint64_t payload;
  const char* code;
};
const CodeVector kCodes[] = {
    {"A", "CP-TEST-0001", 1, 1, 1, 2, "2026-03-01T10:15:00Z", 0, 0, 10189, "2026-03-01T13:00:00.000Z",
     "6f6370702d6f66666c696e652d636f64652f76312f6d6163000c43502d544553542d30303031000000010001000027cd0100",
     285678, 261238316014ULL, "0002612383160148"},
    {"B", "CP-TEST-0001", 1, 2, 0, 24, "2026-03-01T10:15:00Z", 10000, 5, 10211, "2026-03-02T11:00:00.000Z",
     "6f6370702d6f66666c696e652d636f64652f76312f6d6163000c43502d544553542d30303031000000010002000027e30005",
     392416, 404559887584ULL, "0004045598875842"},
    {"C", "CP-TEST-0001", 2, 4095, 7, 168, "2026-03-01T10:15:00Z", 50000, 7, 10355, "2026-03-08T11:00:00.000Z",
     "6f6370702d6f66666c696e652d636f64652f76312f6d6163000c43502d544553542d30303031000000020fff000028730707",
     2040358, 562843636146726ULL, "5628436361467261"},
    {"D", "CP-TEST-0001", 1, 0, 2, 1, "2026-03-01T23:59:59Z", 700, 1, 10201, "2026-03-02T01:00:00.000Z",
     "6f6370702d6f66666c696e652d636f64652f76312f6d6163000c43502d544553542d30303031000000010000000027d90201",
     1815599, 127057769519ULL, "0001270577695199"},
    {"E", "CP-TEST-0002", 1, 1, 1, 2, "2026-03-01T10:15:00Z", 0, 0, 10189, "2026-03-01T13:00:00.000Z",
     "6f6370702d6f66666c696e652d636f64652f76312f6d6163000c43502d544553542d30303032000000010001000027cd0100",
     904292, 261238934628ULL, "0002612389346283"},
};

struct VerifyVector {
  const char* name;
  const char* code_name;  // a code of kCodes, or nullptr when `typed` is given
  const char* typed;
  const char* charge_point_id;
  std::vector<std::uint32_t> keys;
  unsigned connector;
  const char* now;
  bool trusted;
  Status verdict;
};
const std::vector<VerifyVector> kVerifications{
    {"A-accepted", "A", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::Accepted},
    {"A-grouped", nullptr, "0002 6123 8316 0148", "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::Accepted},
    {"A-typo", nullptr, "0002622383160148", "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::Typo},
    {"A-swapped", nullptr, "0002613283160148", "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::Typo},
    {"A-other-pile", "A", nullptr, "CP-TEST-0002", {1}, 1, "2026-03-01T10:20:00Z", true, Status::BadMac},
    {"E-other-pile", "E", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::BadMac},
    {"A-wrong-connector", "A", nullptr, "CP-TEST-0001", {1}, 2, "2026-03-01T10:20:00Z", true, Status::WrongConnector},
    {"A-last-second", "A", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-01T13:09:59Z", true, Status::Accepted},
    {"A-expired", "A", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-01T13:10:00Z", true, Status::Expired},
    {"A-expired-12-days", "A", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-14T00:00:00Z", true, Status::Expired},
    {"A-wrong-era", "A", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-20T00:00:00Z", true, Status::BadMac},
    {"A-untrusted-expired", "A", nullptr, "CP-TEST-0001", {1}, 1, "2026-03-02T00:00:00Z", false, Status::Expired},
    {"B-any-connector", "B", nullptr, "CP-TEST-0001", {1}, 3, "2026-03-01T11:00:00Z", true, Status::Accepted},
    {"C-unknown-key", "C", nullptr, "CP-TEST-0001", {1}, 7, "2026-03-01T11:00:00Z", true, Status::UnknownKeyVersion},
    {"C-accepted", "C", nullptr, "CP-TEST-0001", {1,2}, 7, "2026-03-01T11:00:00Z", true, Status::Accepted},
    {"C-clock-behind", "C", nullptr, "CP-TEST-0001", {1,2}, 7, "2026-02-28T22:00:00Z", true, Status::NotYetValid},
    {"C-clock-far-behind", "C", nullptr, "CP-TEST-0001", {1,2}, 7, "2026-02-28T10:00:00Z", true, Status::BadMac},
    {"C-untrusted", "C", nullptr, "CP-TEST-0001", {1,2}, 7, "2026-02-20T00:00:00Z", false, Status::Accepted},
    {"D-accepted", "D", nullptr, "CP-TEST-0001", {1}, 2, "2026-03-02T00:30:00Z", true, Status::Accepted},
    {"short", nullptr, "12345", "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::Malformed},
    {"reserved", nullptr, "9999999999999990", "CP-TEST-0001", {1}, 1, "2026-03-01T10:20:00Z", true, Status::Malformed},
};

std::string hex_of(const std::string& bytes) {
  return to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

TEST(SpecVectors, PileKeys) {
  for (const auto& k : kKeys) {
    EXPECT_EQ(to_hex(derive_pile_key(spec_master(), k.charge_point_id, k.version).bytes), k.hex)
        << k.charge_point_id << " v" << k.version;
  }
}

TEST(SpecVectors, Codes) {
  for (const auto& c : kCodes) {
    SCOPED_TRACE(c.name);
    Fields f;
    f.key_version = c.version;
    f.serial = c.serial;
    f.connector = c.connector;
    f.expiry_hours = expiry_hours_for(test::unix_time(c.issued_at), c.valid_hours);
    EXPECT_EQ(f.expiry_hours, c.expiry_hours);
    EXPECT_EQ(test::rfc3339(expires_at(f)), c.expires_at);
    f.cap_step = c.cap_wh ? *cap_step_at_most(c.cap_wh) : 0;
    EXPECT_EQ(f.cap_step, c.cap_step);
    const PileKey key = derive_pile_key(spec_master(), c.charge_point_id, c.version);
    EXPECT_EQ(hex_of(mac_input(c.charge_point_id, f)), c.mac_input_hex);
    EXPECT_EQ(compute_mac(key.bytes, c.charge_point_id, f), c.mac);
    EXPECT_EQ(pack(shorten(f, c.mac)), c.payload);
    EXPECT_EQ(encode(f, key, c.charge_point_id), c.code);
  }
}

TEST(SpecVectors, Verifications) {
  std::map<std::string, std::string> codes;
  for (const auto& c : kCodes) codes[c.name] = c.code;
  for (const auto& v : kVerifications) {
    SCOPED_TRACE(v.name);
    std::vector<PileKey> ring;
    for (const auto version : v.keys) ring.push_back(derive_pile_key(spec_master(), v.charge_point_id, version));
    const std::string typed = v.code_name ? codes.at(v.code_name) : v.typed;
    const Verdict verdict = verify(typed, ring, v.charge_point_id, v.connector, test::unix_time(v.now), v.trusted);
    EXPECT_EQ(to_string(verdict.status), to_string(v.verdict));
  }
}

TEST(SpecVectors, ReplayWindow) {
  const std::pair<std::uint32_t, ReplayWindow::Check> steps[] = {
      {1, ReplayWindow::Check::Fresh},
      {1, ReplayWindow::Check::Used},
      {3, ReplayWindow::Check::Fresh},
      {2, ReplayWindow::Check::Fresh},
      {2, ReplayWindow::Check::Used},
      {2000, ReplayWindow::Check::Fresh},
      {976, ReplayWindow::Check::TooOld},
      {977, ReplayWindow::Check::Fresh},
      {977, ReplayWindow::Check::Used},
      {1, ReplayWindow::Check::TooOld},
      {4095, ReplayWindow::Check::Fresh},
      {3072, ReplayWindow::Check::Fresh},
      {3071, ReplayWindow::Check::TooOld},
      {4095, ReplayWindow::Check::Used},
  };
  ReplayWindow w;
  for (const auto& [serial, expected] : steps) EXPECT_EQ(to_string(w.accept(serial)), to_string(expected)) << serial;
}

TEST(SpecVectors, SecurityArithmetic) {
  // §8.2: 10 + 366 * 24 counted attempts a year; 2^21 / 8794 = 238.5 years.
  const LockoutPolicy policy;
  const std::uint64_t per_year = max_counted_attempts(policy, 366 * 24 * kHour);
  EXPECT_EQ(per_year, 8794u);
  const double years = static_cast<double>(std::uint64_t{1} << kMacBits) / static_cast<double>(per_year);
  EXPECT_NEAR(years, 238.5, 0.05);
  EXPECT_GT(years, 10.0) << "DESIGN.md: more than 10 years to forge a code at the keypad";
}

}  // namespace
}  // namespace ocpp::offline_code
