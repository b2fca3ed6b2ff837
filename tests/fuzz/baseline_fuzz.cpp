// Fuzz target baseline: copies the input and nothing else. Not run in CI; bench/RESULTS.md runs it
// beside the real targets in the same session, so that their executions per second are read as a
// ratio to what libFuzzer itself costs on the machine at that moment.
//
// It asserts that the copy equals the input (a property that cannot fail: the point is the cost).
#include <cstring>
#include <vector>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> copy(data, data + size);
  FUZZ_REQUIRE(copy.size() == size && (size == 0 || std::memcmp(copy.data(), data, size) == 0));
  return 0;
}
