#include "tar_archive.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ocpp::cp::tar {
namespace {

constexpr std::size_t kBlock = 512;

// An octal number in a field of `width` bytes: width-1 digits and a NUL (ustar numeric fields). A
// value with more digits than the field holds is refused rather than cut (a 12-byte size field
// ends at 8 GiB; the archive is bounded far below that).
void octal(char* field, std::size_t width, std::uint64_t value) {
  const std::size_t digits = width - 1;
  field[digits] = '\0';
  for (std::size_t i = digits; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7U));
    value >>= 3;
  }
  if (value != 0) throw std::invalid_argument("tar: a number does not fit its header field");
}

}  // namespace

std::uint64_t file_size_in_archive(std::uint64_t body_size) {
  return kBlock + (body_size + kBlock - 1) / kBlock * kBlock;
}

void write_file(std::ostream& out, std::string_view name, std::string_view body, std::time_t mtime) {
  if (name.empty() || name.size() > 100) throw std::invalid_argument("tar: file name must be 1 to 100 bytes");
  std::array<char, kBlock> h{};
  std::memcpy(h.data(), name.data(), name.size());  // name[100] at 0
  octal(h.data() + 100, 8, 0644);                    // mode
  octal(h.data() + 108, 8, 0);                       // uid
  octal(h.data() + 116, 8, 0);                       // gid
  octal(h.data() + 124, 12, body.size());            // size
  octal(h.data() + 136, 12, static_cast<std::uint64_t>(mtime < 0 ? 0 : mtime));
  h[156] = '0';                                      // typeflag: regular file
  std::memcpy(h.data() + 257, "ustar", 6);           // magic with its NUL
  std::memcpy(h.data() + 263, "00", 2);              // version
  std::memcpy(h.data() + 265, "root", 4);            // uname
  std::memcpy(h.data() + 297, "root", 4);            // gname
  // The checksum is the sum of the header's bytes with its own field read as eight spaces.
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(h.data() + 148, 8, "%06o", sum);  // six digits, NUL, and the space left from before
  h[155] = ' ';
  out.write(h.data(), kBlock);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  const std::size_t pad = (kBlock - body.size() % kBlock) % kBlock;
  static const std::array<char, kBlock> zeros{};
  out.write(zeros.data(), static_cast<std::streamsize>(pad));
}

void write_end(std::ostream& out) {
  static const std::array<char, kBlock> zeros{};
  out.write(zeros.data(), kBlock);
  out.write(zeros.data(), kBlock);
}

}  // namespace ocpp::cp::tar
