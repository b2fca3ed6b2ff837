// The master secret file: created 0600 on first start, read after, refused when others could read
// it or when it holds no key (docs/offline-code.md §3.1).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "ocpp/server/master_key_file.hpp"
#include "server_test_support.hpp"

namespace ocpp::server::test {
namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

std::string content_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);  // the test's own file: any mode it needs
}

std::string refusal(const std::string& path) {
  try {
    load_or_create_master_key(path);
  } catch (const MasterKeyFileError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(MasterKeyFile, FirstStartCreatesA0600FileWith64HexDigitsAndLaterStartsReadTheSameSecret) {
  TempDir dir;
  const std::string path = dir.file("master.key");
  // A permissive umask must not widen the file: it is created 0600 from its first byte.
  const mode_t old_umask = ::umask(0);
  const MasterKey first = load_or_create_master_key(path);
  ::umask(old_umask);
  EXPECT_TRUE(first.created);
  EXPECT_EQ(mode_of(path), 0600u);
  const std::string text = content_of(path);
  EXPECT_EQ(text, offline_code::to_hex(first.secret) + "\n");
  EXPECT_EQ(text.size(), 65u);

  const MasterKey again = load_or_create_master_key(path);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.secret, first.secret);
}

TEST(MasterKeyFile, TwoNewFilesGetDifferentSecrets) {
  TempDir dir;
  EXPECT_NE(load_or_create_master_key(dir.file("a.key")).secret, load_or_create_master_key(dir.file("b.key")).secret);
}

TEST(MasterKeyFile, AnOperatorsFileIsReadWithUpperCaseAndWhitespace) {
  TempDir dir;
  const std::string path = dir.file("master.key");
  write_file(path, "000102030405060708090A0B0C0D0E0F\n101112131415161718191a1b1c1d1e1f\n", 0600);
  EXPECT_EQ(load_or_create_master_key(path).secret, test_master());
}

TEST(MasterKeyFile, AFileThatGroupOrOthersMayUseIsRefusedWithTheModeAndTheFix) {
  TempDir dir;
  for (const mode_t mode : {0644, 0640, 0604, 0660, 0700 | 0001}) {
    const std::string path = dir.file("master-" + std::to_string(mode) + ".key");
    write_file(path, offline_code::to_hex(test_master()), mode);
    const std::string why = refusal(path);
    EXPECT_NE(why.find(path), std::string::npos) << why;
    EXPECT_NE(why.find("chmod 600"), std::string::npos) << why;
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_NE(why.find(octal), std::string::npos) << why;
  }
}

TEST(MasterKeyFile, BadContentIsRefusedSayingWhatIsWrong) {
  TempDir dir;
  const std::string short_key = dir.file("short.key");
  write_file(short_key, std::string(63, 'a'), 0600);
  EXPECT_NE(refusal(short_key).find("found 63 hexadecimal characters"), std::string::npos) << refusal(short_key);

  const std::string not_hex = dir.file("nothex.key");
  write_file(not_hex, std::string(63, 'a') + "g", 0600);
  EXPECT_NE(refusal(not_hex).find("'g'"), std::string::npos) << refusal(not_hex);

  const std::string empty = dir.file("empty.key");
  write_file(empty, "", 0600);
  EXPECT_NE(refusal(empty).find("found 0 hexadecimal characters"), std::string::npos) << refusal(empty);

  const std::string huge = dir.file("huge.key");
  write_file(huge, std::string(10000, ' ') + std::string(64, 'a'), 0600);
  EXPECT_NE(refusal(huge).find("larger than"), std::string::npos) << refusal(huge);
}

TEST(MasterKeyFile, ADirectoryOrAnUnwritablePlaceIsRefused) {
  TempDir dir;
  const std::string sub = dir.file("sub");
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_NE(refusal(sub).find("not a regular file"), std::string::npos) << refusal(sub);
  EXPECT_NE(refusal(dir.file("missing/master.key")).find("cannot create"), std::string::npos);
}

TEST(MasterKeyFile, ASymlinkIsNeverWrittenThrough) {
  TempDir dir;
  const std::string target = dir.file("elsewhere.key");
  const std::string link = dir.file("master.key");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  // A dangling link: creating through it would put the secret where the link points.
  EXPECT_THROW(load_or_create_master_key(link), MasterKeyFileError);
  EXPECT_FALSE(std::filesystem::exists(target));
}

}  // namespace
}  // namespace ocpp::server::test
