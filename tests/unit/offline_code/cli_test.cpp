// ocpp-offline-code end to end (DESIGN.md, "Interfaces that outside tests rely on"): the program as
// an operator runs it, with its output and exit codes 0 (done, accepted), 1 (refused), 2 (usage).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_emulator.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kProgram = OCPP_BINARY_DIR "/bin/ocpp-offline-code";
const std::string kMasterHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// docs/offline-code.md section 12.
const std::string kKeyCp1 = "f8cc9b3519e76b2a5c90cc6e159a89e958c9be3f501b202cc2efa4bfaf09b577";
const std::string kCodeA = "0002612383160148";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("offline-code-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    master_ = write("master.hex", kMasterHex + "\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  Result run(const std::vector<std::string>& args) {
    std::string cmd = ocpp::test::emulator_prefix() + quote(kProgram);
    for (const auto& a : args) cmd += " " + quote(a);
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    cmd += " >" + quote(out.string()) + " 2>" + quote(err.string());
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  std::vector<std::string> pile(const std::string& command, const std::string& id = "CP-TEST-0001") {
    return {command, "--master-key-file", master_, "--charge-point-id", id};
  }

  fs::path dir_;
  std::string master_;
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(Cli, HelpAndVersion) {
  Result r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"derive-key", "issue", "verify", "--master-key-file", "--energy-cap-wh", "--valid-hours"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
  r = run({"issue", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  r = run({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("ocpp-offline-code ", 0), 0u) << r.out;
}

TEST_F(Cli, DeriveKeyPrintsTheSpecsKey) {
  Result r = run(pile("derive-key"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kKeyCp1 + "\n");
  r = run(pile("derive-key") + std::vector<std::string>{"--key-spec"});
  // §3.3: with the check value bound to CP-TEST-0001 (section 12.1).
  EXPECT_EQ(r.out, "1:" + kKeyCp1 + ":26f5adbc\n");
}

TEST_F(Cli, IssueAndVerifyTheSpecsCodeA) {
  Result r = run(pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "1", "--valid-hours", "2",
                                                          "--now", "2026-03-01T10:15:00Z"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kCodeA + "\n");
  r = run(pile("verify") + std::vector<std::string>{"--connector", "1", "--now", "2026-03-01T10:20:00Z", kCodeA});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "accepted\nkey_version: 1\nserial: 1\nconnector: 1\nexpires_at: 2026-03-01T13:00:00.000Z\n"
            "energy_cap_wh: none\n");
}

TEST_F(Cli, VerifyRefusalsExitOne) {
  const std::vector<std::string> at{"--now", "2026-03-01T10:20:00Z"};
  struct Case {
    std::vector<std::string> args;
    std::string id;
    std::string reason;
  } cases[] = {
      {{"--connector", "1", kCodeA.substr(0, 5) + "9" + kCodeA.substr(6)}, "CP-TEST-0001", "typo"},
      {{"--connector", "1", kCodeA}, "CP-TEST-0002", "bad_mac"},
      {{"--connector", "2", kCodeA}, "CP-TEST-0001", "wrong_connector"},
      {{"--connector", "1", "1234"}, "CP-TEST-0001", "malformed"},
  };
  for (const auto& c : cases) {
    const Result r = run(pile("verify", c.id) + at + c.args);
    EXPECT_EQ(r.exit_code, 1) << c.reason << ": " << r.out << r.err;
    EXPECT_EQ(r.out.rfind("refused: " + c.reason + " (", 0), 0u) << r.out;
  }
  Result r = run(pile("verify") + std::vector<std::string>{"--connector", "1", "--now", "2026-03-01T13:10:00Z", kCodeA});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("refused: expired"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("serial: 1"), std::string::npos) << "a genuine code's fields are shown";
  r = run(pile("verify") + std::vector<std::string>{"--connector", "1", "--now", "2026-03-01T13:10:00Z", "--json", kCodeA});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"ok\": false, \"reason\": \"expired\""), std::string::npos) << r.out;
}

TEST_F(Cli, RoundTripWithCapKeyVersionAndGroupedCode) {
  Result r = run(pile("issue") + std::vector<std::string>{"--connector", "0", "--serial", "4095", "--energy-cap-wh",
                                                          "7500", "--key-version", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rounded down to 5000 Wh"), std::string::npos) << r.err;
  const auto at = r.out.find("\"grouped\": \"");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string grouped = r.out.substr(at + 12, 19);
  r = run(pile("verify") + std::vector<std::string>{"--connector", "5", "--key-version", "4", grouped});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("key_version: 3"), std::string::npos) << "held as the previous key: " << r.out;
  EXPECT_NE(r.out.find("connector: any"), std::string::npos);
  EXPECT_NE(r.out.find("energy_cap_wh: 5000"), std::string::npos);
  // Two rotations later version 3's parity selects key 5: a retired key's codes are wrong codes.
  r = run(pile("verify") + std::vector<std::string>{"--connector", "5", "--key-version", "5", grouped});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("refused: bad_mac"), std::string::npos) << r.out;
  // A pile that holds only version 1 has no key of version 2's parity.
  r = run(pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "9", "--key-version", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run(pile("verify") + std::vector<std::string>{"--connector", "1", r.out.substr(0, 16)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("refused: unknown_key_version"), std::string::npos) << r.out;
}

TEST_F(Cli, MasterKeyFileWhitespaceToleratedElseExitTwo) {
  const std::string spaced = write("spaced.hex", "  0001020304050607 08090a0b0c0d0e0f\n\t101112131415161718191A1B1C1D1E1F\r\n\n");
  Result r = run({"derive-key", "--master-key-file", spaced, "--charge-point-id", "CP-TEST-0001"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kKeyCp1 + "\n");
  const struct {
    std::string content;
    std::string says;
  } bad[] = {
      {kMasterHex.substr(1), "found 63 hexadecimal characters, expected 64"},
      {kMasterHex + "00", "found 66"},
      {"", "found 0"},
      {kMasterHex.substr(0, 60) + "xyz0", "'x' at offset 60"},
      {"0x" + kMasterHex.substr(2), "'x' at offset 1"},
  };
  for (const auto& b : bad) {
    const std::string f = write("bad.hex", b.content);
    r = run({"derive-key", "--master-key-file", f, "--charge-point-id", "CP-TEST-0001"});
    EXPECT_EQ(r.exit_code, 2) << b.content;
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find(b.says), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.hex"), std::string::npos) << "names the file: " << r.err;
  }
  r = run({"issue", "--master-key-file", (dir_ / "missing.hex").string(), "--charge-point-id", "X", "--connector", "1",
           "--serial", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read master key file"), std::string::npos) << r.err;
}

TEST_F(Cli, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases{
      {},
      {"mint"},
      pile("issue") + std::vector<std::string>{"--serial", "1"},                          // no --connector
      pile("issue") + std::vector<std::string>{"--connector", "1"},                       // no --serial
      pile("issue") + std::vector<std::string>{"--connector", "8", "--serial", "1"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "4096"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "-1"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "1", "--valid-hours", "169"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "1", "--energy-cap-wh", "499"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "1", "--now", "yesterday"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "1", "--key-version", "0"},
      pile("issue") + std::vector<std::string>{"--connector", "1", "--serial", "1", "--bogus"},
      pile("verify") + std::vector<std::string>{"--connector", "1"},                      // no CODE
      pile("verify") + std::vector<std::string>{"--connector", "1", kCodeA, kCodeA},
      pile("verify") + std::vector<std::string>{kCodeA},                                  // no --connector
      {"derive-key", "--master-key-file", "x"},                                           // no id
      {"derive-key", "--charge-point-id", "CP"},                                          // no key file
  };
  for (const auto& c : cases) {
    const Result r = run(c);
    std::string shown;
    for (const auto& a : c) shown += a + " ";
    EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("ocpp-offline-code: "), std::string::npos) << shown;
  }
}

}  // namespace
