// Fuzz target offline_code: the offline charging code's parser and verifier (offline_code/ code.hpp
// verify, encode) and the key parsers (keys.hpp parse_key_spec, parse_master_secret), with the
// keys of docs/offline-code.md §12 (master secret 00..1f, pile CP-TEST-0001, key versions 1 and 2)
// and the pile's clock at 2026-03-01T11:00:00Z.
//
// Input: text typed at the keypad (or given as a key spec). Its first bytes also pick the fields
// of a code that the target issues itself.
//
// Beyond "no crash", it asserts:
// - on the typed text: anything but 16 digits (spaces and '-' aside) is Malformed; a code whose
//   check digit is wrong is never accepted and never counted as an attack (Typo or Malformed);
//   whenever the MAC matched, the fields re-encode to exactly the digits typed (one code per
//   fields); an accepted code is for the connector it was typed on (or any); whether the MAC
//   matched does not depend on the connector typed on;
// - on the issued code: it verifies (Accepted, or WrongConnector on another connector) to its own
//   fields on a trusted and on an untrusted clock; every single-digit substitution and every
//   transposition of two adjacent different digits is a Typo, never a MAC check (Damm, §4.4);
// - on an untrusted pile (verify_untrusted, §7.2, with a stale floor and the clock's reading): a
//   genuine verdict re-encodes to the digits typed, and the issued code is recognised, never BadMac;
// - a key spec or master secret that parses formats back to text that parses to the same key; a key
//   spec with the check value of this pile installs here (parse_key_spec_for) and one with another
//   id's check value does not; a frame naming "OfflineCodeKey" is withheld from logs (carries_pile_key).
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ocpp/offline_code/offline_code.hpp"

namespace {

namespace oc = ocpp::offline_code;

constexpr std::string_view kPile = "CP-TEST-0001";
constexpr oc::UnixSeconds kNow = 1772362800;  // 2026-03-01T11:00:00Z

struct Keys {
  std::vector<oc::PileKey> installed;
  Keys() {
    oc::MasterSecret master{};
    for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<std::uint8_t>(i);
    installed = {oc::derive_pile_key(master, kPile, 1), oc::derive_pile_key(master, kPile, 2)};
  }
  const oc::PileKey& of_version(std::uint32_t v) const { return installed.at(v - 1); }
};

const Keys& keys() {
  static const Keys k;
  return k;
}

std::string digits_of(std::string_view typed) {
  std::string d;
  for (const char c : typed) {
    if (c != ' ' && c != '-') d.push_back(c);
  }
  return d;
}

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void check_typed(std::string_view typed) {
  const std::string digits = digits_of(typed);
  const bool shaped = digits.size() == oc::kCodeDigits && all_digits(digits);
  for (const bool trusted : {true, false}) {
    bool genuine_somewhere = false, refused_as_forgery = false;
    for (const unsigned connector : {1u, 2u}) {
      const oc::Verdict v = oc::verify(typed, keys().installed, kPile, connector, kNow, trusted);
      if (!shaped) FUZZ_REQUIRE(v.status == oc::Status::Malformed);
      if (shaped && !oc::damm_valid(digits)) {
        FUZZ_REQUIRE(v.status == oc::Status::Typo);
        FUZZ_REQUIRE(!v.counts_as_failure());
      }
      FUZZ_REQUIRE(v.fields.has_value() == (v.status == oc::Status::Accepted || v.status == oc::Status::WrongConnector ||
                                            v.status == oc::Status::NotYetValid || v.status == oc::Status::Expired));
      if (v.fields) {
        FUZZ_REQUIRE(oc::encode(*v.fields, keys().of_version(v.fields->key_version), kPile) == digits);
        genuine_somewhere = true;
      }
      if (v.status == oc::Status::BadMac) refused_as_forgery = true;
      if (v.accepted()) FUZZ_REQUIRE(v.fields->connector == oc::kAnyConnector || v.fields->connector == connector);
    }
    FUZZ_REQUIRE(!(genuine_somewhere && refused_as_forgery));
  }
  // §7.2: a floor three months stale and the clock's reading: whatever is genuine is this pile's code.
  const oc::Verdict u = oc::verify_untrusted(typed, keys().installed, kPile, 1, kNow - 90 * 86400, kNow);
  if (u.fields) FUZZ_REQUIRE(oc::encode(*u.fields, keys().of_version(u.fields->key_version), kPile) == digits);
}

void check_issued(ocpp::fuzz::ByteReader& in) {
  oc::Fields f;
  f.key_version = 1 + (in.u8() & 1);
  f.serial = static_cast<std::uint16_t>(in.u16() % (oc::kMaxSerial + 1));
  f.connector = static_cast<std::uint8_t>(in.u8() % (oc::kMaxConnector + 1));
  f.cap_step = static_cast<std::uint8_t>(in.u8() % (oc::kMaxCapStep + 1));
  f.expiry_hours = oc::expiry_hours_for(kNow, 1 + in.u8() % oc::kMaxValidHours);
  const unsigned typed_on = 1 + in.u8() % oc::kMaxConnector;
  const std::string code = oc::encode(f, keys().of_version(f.key_version), kPile);
  FUZZ_REQUIRE(code.size() == oc::kCodeDigits && oc::damm_valid(code));
  const oc::Status expected =
      f.connector == oc::kAnyConnector || f.connector == typed_on ? oc::Status::Accepted : oc::Status::WrongConnector;
  for (const bool trusted : {true, false}) {
    const oc::Verdict v = oc::verify(code, keys().installed, kPile, typed_on, kNow, trusted);
    FUZZ_REQUIRE(v.status == expected);
    FUZZ_REQUIRE(v.fields && *v.fields == f);
  }
  // §7.2: a pile whose floor is three months stale still recognises it by its clock's reading.
  const oc::Verdict u = oc::verify_untrusted(code, keys().installed, kPile, typed_on, kNow - 90 * 86400, kNow);
  FUZZ_REQUIRE(u.status == expected && u.fields && *u.fields == f);
  // A typing error is told apart from a wrong code before the MAC is looked at.
  const std::size_t at = in.u8() % oc::kCodeDigits;
  std::string typo = code;
  typo[at] = static_cast<char>('0' + (typo[at] - '0' + 1 + in.u8() % 9) % 10);
  FUZZ_REQUIRE(oc::verify(typo, keys().installed, kPile, typed_on, kNow, true).status == oc::Status::Typo);
  const std::size_t swap = in.u8() % (oc::kCodeDigits - 1);
  if (code[swap] != code[swap + 1]) {
    std::string swapped = code;
    std::swap(swapped[swap], swapped[swap + 1]);
    FUZZ_REQUIRE(oc::verify(swapped, keys().installed, kPile, typed_on, kNow, true).status == oc::Status::Typo);
  }
}

void check_keys(std::string_view text) {
  if (const auto key = oc::parse_key_spec(text)) {
    const auto again = oc::parse_key_spec(oc::format_key_spec(*key));
    FUZZ_REQUIRE(again && *again == *key);
    // §3.3: the check value binds the spec to an id.
    const auto mine = oc::parse_key_spec_for(oc::format_key_spec(*key, kPile), kPile);
    FUZZ_REQUIRE(mine && *mine == *key);
    const std::string other = oc::format_key_spec(*key, "CP-TEST-0002");
    FUZZ_REQUIRE(!oc::parse_key_spec_for(other, kPile) ||
                 oc::key_check_value(*key, kPile) == oc::key_check_value(*key, "CP-TEST-0002"));
  }
  std::string error;
  if (const auto secret = oc::parse_master_secret(text, &error)) {
    const auto again = oc::parse_master_secret(oc::to_hex(*secret));
    FUZZ_REQUIRE(again && *again == *secret);
  } else {
    FUZZ_REQUIRE(!error.empty());
  }
  if (text.find("\"OfflineCodeKey\"") != std::string_view::npos) FUZZ_REQUIRE(oc::carries_pile_key(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = ocpp::fuzz::as_text(data, size);
  check_typed(text);
  ocpp::fuzz::ByteReader in(data, size);
  check_issued(in);
  check_keys(text);
  return 0;
}
