// Damm check digit (docs/offline-code.md section 4.4): the properties that make it catch every
// single-digit substitution and every adjacent transposition, proved on the table itself.
#include "ocpp/offline_code/check_digit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ocpp::offline_code {
namespace {

// The table as a function, read back through the public interface: interim(i, d) is the check
// digit of the one-digit string that leads to interim i followed by d.
int op(int interim, int digit) {
  // A one-digit prefix p has interim table[0][p]; row 0 is a permutation, so every interim is reachable.
  for (char p = '0'; p <= '9'; ++p) {
    if (*damm_check_digit(std::string(1, p)) == interim) {
      return *damm_check_digit(std::string{p, static_cast<char>('0' + digit)});
    }
  }
  ADD_FAILURE() << "interim " << interim << " unreachable";
  return -1;
}

TEST(DammCheckDigit, KnownExample) {
  EXPECT_EQ(damm_check_digit("572"), 4);
  EXPECT_TRUE(damm_valid("5724"));
  EXPECT_FALSE(damm_valid("5723"));
  EXPECT_EQ(damm_check_digit(""), 0);
  EXPECT_FALSE(damm_valid("")) << "nothing to check";
  EXPECT_FALSE(damm_check_digit("12a4"));
  EXPECT_FALSE(damm_valid("57 24"));
}

TEST(DammCheckDigit, TableIsALatinSquareWithZeroDiagonal) {
  for (int i = 0; i < 10; ++i) {
    bool row[10] = {}, column[10] = {};
    for (int j = 0; j < 10; ++j) {
      row[op(i, j)] = true;
      column[op(j, i)] = true;
    }
    for (int k = 0; k < 10; ++k) {
      EXPECT_TRUE(row[k]) << "row " << i << " lacks " << k;
      EXPECT_TRUE(column[k]) << "column " << i << " lacks " << k;
    }
    EXPECT_EQ(op(i, i), 0);
  }
}

TEST(DammCheckDigit, WeaklyTotallyAntiSymmetric) {
  // (c*x)*y == (c*y)*x implies x == y: an adjacent transposition changes the interim.
  for (int c = 0; c < 10; ++c) {
    for (int x = 0; x < 10; ++x) {
      for (int y = 0; y < 10; ++y) {
        if (x != y) {
          EXPECT_NE(op(op(c, x), y), op(op(c, y), x)) << c << " " << x << " " << y;
        }
      }
    }
  }
}

TEST(DammCheckDigit, CatchesEverySingleErrorAndAdjacentSwapOfShortStrings) {
  // Exhaustive over all 4-digit payloads: 10,000 strings, each with every substitution and swap.
  for (int n = 0; n < 10000; ++n) {
    std::string s = std::to_string(n);
    s.insert(0, 4 - s.size(), '0');
    s.push_back(static_cast<char>('0' + *damm_check_digit(s)));
    ASSERT_TRUE(damm_valid(s));
    for (std::size_t i = 0; i < s.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == s[i]) continue;
        std::string t = s;
        t[i] = d;
        ASSERT_FALSE(damm_valid(t)) << s << " -> " << t;
      }
      if (i + 1 < s.size() && s[i] != s[i + 1]) {
        std::string t = s;
        std::swap(t[i], t[i + 1]);
        ASSERT_FALSE(damm_valid(t)) << s << " -> " << t;
      }
    }
  }
}

}  // namespace
}  // namespace ocpp::offline_code
