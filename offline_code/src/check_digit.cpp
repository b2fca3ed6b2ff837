// Damm's check digit: a weakly totally anti-symmetric quasigroup of order 10 (docs/offline-code.md §4.4).
#include "ocpp/offline_code/check_digit.hpp"

#include <array>
#include <cstdint>

namespace ocpp::offline_code {
namespace {

// Row = interim digit, column = next digit. Each row and column is a permutation, the diagonal is 0,
// and (c*x)*y == (c*y)*x only when x == y: check_digit_test.cpp proves these properties.
constexpr std::array<std::array<std::uint8_t, 10>, 10> kTable{{
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
    {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
    {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
    {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}};

std::optional<int> interim(std::string_view digits) {
  int i = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    i = kTable[static_cast<std::size_t>(i)][static_cast<std::size_t>(c - '0')];
  }
  return i;
}

}  // namespace

std::optional<int> damm_check_digit(std::string_view digits) { return interim(digits); }

bool damm_valid(std::string_view digits) {
  const auto i = interim(digits);
  return !digits.empty() && i && *i == 0;
}

}  // namespace ocpp::offline_code
