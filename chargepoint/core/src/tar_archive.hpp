#pragma once
// A plain POSIX ustar archive (POSIX.1-2001 "pax" interchange format, ustar headers only), written
// by hand: the log archive holds three small text files, and a compression library would be one more
// dependency for every cross build and the Yocto recipe for a file bounded to a few MiB anyway.
// Every `tar` reads it (tar -xf).
#include <cstdint>
#include <ctime>
#include <ostream>
#include <string>
#include <string_view>

namespace ocpp::cp::tar {

// One regular file (mode 0644) named `name` (at most 100 bytes, no directories) with `body`.
void write_file(std::ostream& out, std::string_view name, std::string_view body, std::time_t mtime);
// The two zero blocks that end an archive.
void write_end(std::ostream& out);
// Bytes a file of `body_size` takes in the archive (header and padding included).
std::uint64_t file_size_in_archive(std::uint64_t body_size);
inline constexpr std::uint64_t kEndSize = 1024;

}  // namespace ocpp::cp::tar
