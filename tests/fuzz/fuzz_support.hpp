#pragma once
// What every fuzz target of tests/fuzz shares: the entry point libFuzzer calls, a check that stops
// the process with the broken property (libFuzzer saves the input as a crash), and a reader that
// takes fixed-size values off the front of an input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace ocpp::fuzz {

[[noreturn]] inline void property_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz property violated at %s:%d: %s\n", file, line, what);
  std::abort();
}

// The input as text (libFuzzer's bytes; the targets that parse text take them as they are).
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Takes values off the front of the input; past its end it gives zeros.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t u8() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) | (static_cast<std::uint32_t>(u16()) << 16); }
  bool empty() const { return at_ >= size_; }
  std::size_t remaining() const { return at_ < size_ ? size_ - at_ : 0; }
  const std::uint8_t* rest() const { return data_ + (at_ < size_ ? at_ : size_); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace ocpp::fuzz

// Checks a property beyond "no crash": when it does not hold, the input is a failure.
#define FUZZ_REQUIRE(condition)                                                         \
  do {                                                                                  \
    if (!(condition)) ::ocpp::fuzz::property_failed(#condition, __FILE__, __LINE__);    \
  } while (false)
