// The hand-written ustar writer of the log upload: numeric header fields are octal digits with a
// NUL, and a number wider than its field is refused rather than cut.
#include <gtest/gtest.h>

#include <ctime>
#include <sstream>
#include <stdexcept>
#include <string>

#include "../../../chargepoint/core/src/tar_archive.hpp"

namespace ocpp::cp {
namespace {

std::string field(const std::string& header, std::size_t at, std::size_t width) { return header.substr(at, width); }

TEST(TarArchive, HeaderNumbersAreZeroPaddedOctalWithANul) {
  std::ostringstream out;
  tar::write_file(out, "status.json", std::string(1000, 'x'), 1796655205);
  const std::string archive = out.str();
  ASSERT_EQ(archive.size(), tar::file_size_in_archive(1000));
  const std::string header = archive.substr(0, 512);
  EXPECT_EQ(field(header, 100, 8), std::string("0000644") + '\0');       // mode
  EXPECT_EQ(field(header, 124, 12), std::string("00000001750") + '\0');  // size: 1000
  EXPECT_EQ(field(header, 136, 12), std::string("15305544145") + '\0');  // mtime: 1796655205
}

TEST(TarArchive, ANumberWiderThanItsFieldIsRefusedNotCut) {
  // The mtime field holds 11 octal digits: 8^11 s is in the year 2242.
  if (sizeof(std::time_t) < 8) GTEST_SKIP() << "a 32-bit time_t cannot hold such a date";
  std::ostringstream out;
  EXPECT_THROW(tar::write_file(out, "late.log", "x", static_cast<std::time_t>(1LL << 33)), std::invalid_argument);
  EXPECT_NO_THROW(tar::write_file(out, "fits.log", "x", static_cast<std::time_t>((1LL << 33) - 1)));
}

}  // namespace
}  // namespace ocpp::cp
