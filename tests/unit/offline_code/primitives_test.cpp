// HMAC-SHA256 and HKDF-SHA256 against their RFC test vectors, and the key derivation of §3.
#include "ocpp/offline_code/primitives.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include "ocpp/offline_code/keys.hpp"

namespace ocpp::offline_code {
namespace {

Bytes repeat(std::uint8_t b, std::size_t n) { return Bytes(n, b); }
Bytes range(std::uint8_t from, std::uint8_t to) {
  Bytes out;
  for (unsigned b = from; b <= to; ++b) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}
std::string hex(const Bytes& b) { return to_hex(b.data(), b.size()); }

TEST(Primitives, HmacSha256Rfc4231Case1) {
  const Bytes key = repeat(0x0b, 20);
  const std::string data = "Hi There";
  const Digest d = hmac_sha256(key.data(), key.size(), reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  EXPECT_EQ(to_hex(d), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Primitives, HkdfSha256Rfc5869Case1) {
  EXPECT_EQ(hex(hkdf_sha256(repeat(0x0b, 22), range(0x00, 0x0c), range(0xf0, 0xf9), 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Primitives, HkdfSha256Rfc5869Case3EmptySaltAndInfo) {
  EXPECT_EQ(hex(hkdf_sha256(repeat(0x0b, 22), {}, {}, 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(Primitives, ConstantTimeEquality) {
  const std::uint8_t a[3] = {1, 2, 3}, b[3] = {1, 2, 3}, c[3] = {1, 2, 4};
  EXPECT_TRUE(equal_constant_time(a, b, 3));
  EXPECT_FALSE(equal_constant_time(a, c, 3));
}

TEST(KeyDerivation, IsHkdfWithTheSpecsSaltAndInfo) {
  // §3.2 written out by hand, so that a change of label or byte order shows here.
  MasterSecret master{};
  for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<std::uint8_t>(i);
  Bytes info = bytes_of("ocpp-offline-code/v1/pile-key");
  info.push_back(0);
  for (std::uint8_t b : {0, 0, 1, 2}) info.push_back(b);  // version 258
  info.push_back(3);
  for (char ch : std::string("abc")) info.push_back(static_cast<std::uint8_t>(ch));
  const Bytes expected = hkdf_sha256(Bytes(master.begin(), master.end()), bytes_of("ocpp-offline-code/v1/hkdf-salt"), info, 32);
  const PileKey k = derive_pile_key(master, "abc", 258);
  EXPECT_EQ(k.version, 258u);
  EXPECT_EQ(to_hex(k.bytes), hex(expected));
}

TEST(KeyDerivation, KeysDifferPerPileVersionAndMaster) {
  MasterSecret m1{}, m2{};
  m2[31] = 1;
  const auto base = derive_pile_key(m1, "CP1", 1).bytes;
  EXPECT_NE(base, derive_pile_key(m1, "CP2", 1).bytes);
  EXPECT_NE(base, derive_pile_key(m1, "CP1", 2).bytes);
  EXPECT_NE(base, derive_pile_key(m2, "CP1", 1).bytes);
  EXPECT_NE(base, derive_pile_key(m1, "cp1", 1).bytes) << "ids are case-sensitive";
  // The length prefix keeps a prefix id apart.
  EXPECT_NE(derive_pile_key(m1, "CP1", 1).bytes, derive_pile_key(m1, "CP10", 1).bytes);
}

TEST(KeyDerivation, RefusesBadIdsAndVersionZero) {
  const MasterSecret m{};
  EXPECT_THROW(derive_pile_key(m, "", 1), std::invalid_argument);
  EXPECT_THROW(derive_pile_key(m, std::string(256, 'x'), 1), std::invalid_argument);
  EXPECT_NO_THROW(derive_pile_key(m, std::string(255, 'x'), 1));
  EXPECT_THROW(derive_pile_key(m, "CP1", 0), std::invalid_argument);
}

TEST(MasterSecretText, SixtyFourHexWithWhitespaceAnywhere) {
  const std::string hex64 = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F";
  const auto s = parse_master_secret(hex64);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)[0x1f], 0x1f);
  EXPECT_EQ(parse_master_secret(" 00010203 04050607\t08090a0b0c0d0e0f\r\n101112131415161718191a1b1c1d1e1f\n\n"), s);
}

TEST(MasterSecretText, SaysWhatIsWrong) {
  std::string error;
  EXPECT_FALSE(parse_master_secret(std::string(63, 'a'), &error));
  EXPECT_NE(error.find("found 63"), std::string::npos) << error;
  EXPECT_FALSE(parse_master_secret(std::string(66, 'a'), &error));
  EXPECT_NE(error.find("found 66"), std::string::npos) << error;
  EXPECT_FALSE(parse_master_secret(std::string(62, 'a') + "zz", &error));
  EXPECT_NE(error.find("'z' at offset 62"), std::string::npos) << error;
  EXPECT_FALSE(parse_master_secret("", &error));
  EXPECT_FALSE(parse_master_secret(std::string(64, 'a') + "\x01", &error));
  EXPECT_NE(error.find("0x01"), std::string::npos) << error;
}

TEST(KeySpec, RoundTripsAndRefusesGarbage) {
  PileKey k{7, {}};
  k.bytes[0] = 0xab;
  const std::string text = format_key_spec(k);
  EXPECT_EQ(text.substr(0, 4), "7:ab");
  EXPECT_EQ(parse_key_spec(text), k);
  EXPECT_FALSE(parse_key_spec("0:" + std::string(64, 'a')));
  EXPECT_FALSE(parse_key_spec("4294967296:" + std::string(64, 'a')));
  EXPECT_TRUE(parse_key_spec("4294967295:" + std::string(64, 'a')));
  EXPECT_FALSE(parse_key_spec(std::string(64, 'a')));
  EXPECT_FALSE(parse_key_spec("1:" + std::string(63, 'a')));
  EXPECT_FALSE(parse_key_spec("1: " + std::string(64, 'a')));
  EXPECT_FALSE(parse_key_spec("-1:" + std::string(64, 'a')));
}

TEST(KeyCheckValue, RefusesAKeyMadeForAnotherChargePointId) {
  // §3.3: a CSMS that misread the id, or a key pasted for the wrong pile, is caught at install
  // instead of making every code fail as a wrong code.
  MasterSecret master{};
  const PileKey for_cp2 = derive_pile_key(master, "CP-2", 3);
  const std::string spec = format_key_spec(for_cp2, "CP-2");
  ASSERT_EQ(spec.size(), std::string("3:").size() + 64 + 1 + 8);
  EXPECT_EQ(spec.substr(spec.size() - 8), key_check_value(for_cp2, "CP-2"));
  EXPECT_EQ(parse_key_spec_for(spec, "CP-2"), for_cp2);
  std::string error;
  EXPECT_FALSE(parse_key_spec_for(spec, "CP-1", &error));
  EXPECT_NE(error.find("another charge point id"), std::string::npos) << error;
  // The check value is read in either case; a spec without one is accepted as before.
  std::string upper = spec;
  for (std::size_t i = upper.size() - 8; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_EQ(parse_key_spec_for(upper, "CP-2"), for_cp2);
  EXPECT_EQ(parse_key_spec_for(format_key_spec(for_cp2), "CP-1"), for_cp2);
  // parse_key_spec reads the syntax only.
  EXPECT_EQ(parse_key_spec(spec), for_cp2);
  EXPECT_FALSE(parse_key_spec(format_key_spec(for_cp2) + ":1234567"));
  EXPECT_FALSE(parse_key_spec(format_key_spec(for_cp2) + ":1234567g"));
  EXPECT_FALSE(parse_key_spec(format_key_spec(for_cp2) + ":"));
}

TEST(KeyCheckValue, IsTheSpecsHmacWrittenOut) {
  MasterSecret master{};
  const PileKey k = derive_pile_key(master, "abc", 258);
  Bytes input = bytes_of("ocpp-offline-code/v1/key-check");
  input.push_back(0);
  for (std::uint8_t b : {0, 0, 1, 2}) input.push_back(b);
  input.push_back(3);
  for (char ch : std::string("abc")) input.push_back(static_cast<std::uint8_t>(ch));
  const Digest d = hmac_sha256(k.bytes.data(), k.bytes.size(), input.data(), input.size());
  EXPECT_EQ(key_check_value(k, "abc"), to_hex(d.data(), 4));
  EXPECT_NE(key_check_value(k, "abd"), key_check_value(k, "abc"));
}

// Logs withhold frames that provision a key, in either version and any spelling of the key name.
TEST(OfflineCodeKeys, FramesCarryingAPileKeyAreRecognised) {
  EXPECT_TRUE(carries_pile_key(R"([2,"1","ChangeConfiguration",{"key":"OfflineCodeKey","value":"1:ab"}])"));
  EXPECT_TRUE(carries_pile_key(R"([2,"1","ChangeConfiguration",{"key":"offlinecodekey","value":"1:ab"}])"));
  EXPECT_TRUE(carries_pile_key(
      R"([2,"1","SetVariables",{"setVariableData":[{"component":{"name":"OfflineCodeCtrlr"},"variable":{"name":"Key"},"attributeValue":"1:ab"}]}])"));
  EXPECT_FALSE(carries_pile_key(R"([2,"1","GetConfiguration",{"key":["OfflineCodeKeyVersion"]}])"));
  EXPECT_FALSE(carries_pile_key(R"([2,"1","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}])"));
}

}  // namespace
}  // namespace ocpp::offline_code
