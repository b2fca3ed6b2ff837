// RFC 3339 §5.6 date-times as OCPP carries them.
#include "ocpp/common/datetime.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace ocpp {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-11-24T09:30:00Z: 20781 days after 1970-01-01.
const SystemTime kBase = SystemTime{} + hours{24 * 20781} + hours{9} + minutes{30};

TEST(Rfc3339, AcceptsTheUsualForms) {
  EXPECT_EQ(parse_rfc3339("2026-11-24T09:30:00Z"), kBase);
  EXPECT_EQ(parse_rfc3339("2026-11-24t09:30:00z"), kBase);
  EXPECT_EQ(parse_rfc3339("2026-11-24T09:30:00.5Z"), kBase + milliseconds{500});
  EXPECT_EQ(parse_rfc3339("2026-11-24T09:30:00.123Z"), kBase + milliseconds{123});
  EXPECT_EQ(parse_rfc3339("2026-11-24T09:30:00.123456789Z"),
            kBase + std::chrono::nanoseconds{123456789});
  EXPECT_TRUE(is_rfc3339("2026-11-24T09:30:00.1234567891234Z"));  // extra digits are dropped
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), SystemTime{});
  EXPECT_TRUE(is_rfc3339("2026-11-24T23:59:59-00:00"));  // §4.3: unknown local offset
}

TEST(Rfc3339, OffsetsConvertToTheSameInstant) {
  EXPECT_EQ(parse_rfc3339("2026-11-24T10:30:00+01:00"), kBase);
  EXPECT_EQ(parse_rfc3339("2026-11-24T15:00:00+05:30"), kBase);
  EXPECT_EQ(parse_rfc3339("2026-11-24T04:30:00-05:00"), kBase);
  // Offsets that cross midnight and the year boundary.
  EXPECT_EQ(parse_rfc3339("2026-11-23T23:30:00-10:00"), kBase);
  EXPECT_EQ(parse_rfc3339("2027-01-01T00:30:00+01:00"), parse_rfc3339("2026-12-31T23:30:00Z"));
  EXPECT_TRUE(is_rfc3339("2026-11-24T09:30:00+23:59"));
  EXPECT_FALSE(is_rfc3339("2026-11-24T09:30:00+24:00"));
  EXPECT_FALSE(is_rfc3339("2026-11-24T09:30:00+01:60"));
}

TEST(Rfc3339, ChecksTheCalendar) {
  EXPECT_TRUE(is_rfc3339("2024-02-29T12:00:00Z"));
  EXPECT_TRUE(is_rfc3339("2000-02-29T12:00:00Z"));   // divisible by 400: leap
  EXPECT_FALSE(is_rfc3339("2023-02-29T12:00:00Z"));
  EXPECT_FALSE(is_rfc3339("2100-02-29T12:00:00Z"));  // divisible by 100 only: not leap
  EXPECT_FALSE(is_rfc3339("2026-04-31T12:00:00Z"));
  EXPECT_TRUE(is_rfc3339("2026-04-30T12:00:00Z"));
  EXPECT_FALSE(is_rfc3339("2026-13-01T12:00:00Z"));
  EXPECT_FALSE(is_rfc3339("2026-00-01T12:00:00Z"));
  EXPECT_FALSE(is_rfc3339("2026-01-00T12:00:00Z"));
  EXPECT_FALSE(is_rfc3339("2026-01-32T12:00:00Z"));
}

TEST(Rfc3339, ChecksTheClock) {
  EXPECT_FALSE(is_rfc3339("2026-11-24T24:00:00Z"));
  EXPECT_FALSE(is_rfc3339("2026-11-24T09:60:00Z"));
  EXPECT_FALSE(is_rfc3339("2026-11-24T09:30:61Z"));
  // §5.7: a leap second is accepted and read as :59.999.
  EXPECT_EQ(parse_rfc3339("2016-12-31T23:59:60Z"), parse_rfc3339("2016-12-31T23:59:59.999Z"));
}

TEST(Rfc3339, RefusesWhatTheGrammarDoesNot) {
  for (const char* text : {
           "not-a-date",
           "",
           "2026-11-24",                    // date only
           "2026-11-24T09:30:00",           // offset is mandatory
           "2026-11-24 09:30:00Z",          // space instead of T
           "2026-11-24T09:30Z",             // seconds are mandatory
           "2026-11-24T09:30:00.Z",         // fraction needs a digit
           "2026-11-24T09:30:00+0100",      // offset needs its colon
           "2026-11-24T09:30:00+01",        //
           "2026-11-24T09:30:00Z ",         // trailing text
           " 2026-11-24T09:30:00Z",         // leading text
           "26-11-24T09:30:00Z",            // two-digit year
           "2026-1-24T09:30:00Z",           // one-digit month
           "+2026-11-24T09:30:00Z",         // sign on the year
           "2026-11-24T09:30:00,5Z",        // comma fraction (ISO 8601, not RFC 3339)
           "2026-11-24T09:30:00UTC",        //
           "2026-11-24T09:30:00+01:00Z",    //
           "２０２６-11-24T09:30:00Z",      // non-ASCII digits
       }) {
    EXPECT_FALSE(is_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RefusesDatesTheSystemClockCannotHold) {
  EXPECT_FALSE(is_rfc3339("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(is_rfc3339("9999-12-31T23:59:59Z"));
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(kBase), "2026-11-24T09:30:00.000Z");
  EXPECT_EQ(format_rfc3339(kBase + milliseconds{123} + std::chrono::microseconds{999}),
            "2026-11-24T09:30:00.123Z");
  EXPECT_EQ(format_rfc3339(SystemTime{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(SystemTime{} - milliseconds{1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-02-29T23:59:59.5+00:00")), "2024-02-29T23:59:59.500Z");
}

TEST(Rfc3339, FormatThenParseRoundTrips) {
  // Every day of four years (a leap year included) at an odd time of day.
  for (int day = 19000; day < 19000 + 4 * 366; ++day) {
    const SystemTime t = SystemTime{} + hours{24 * day} + hours{13} + minutes{7} + seconds{5} + milliseconds{42};
    const std::string text = format_rfc3339(t);
    ASSERT_EQ(parse_rfc3339(text), t) << text;
  }
}

TEST(DateTime, ParsesAndPrints) {
  const DateTime dt = DateTime::parse("2026-11-24T10:30:00.25+01:00");
  EXPECT_EQ(dt.time(), kBase + milliseconds{250});
  EXPECT_EQ(dt.str(), "2026-11-24T09:30:00.250Z");
  EXPECT_EQ(DateTime::parse(dt.str()), dt);
  // Millisecond precision: sub-millisecond digits do not make two parses differ after printing.
  EXPECT_EQ(DateTime::parse("2026-11-24T09:30:00.1239Z"), DateTime::parse("2026-11-24T09:30:00.123Z"));
}

TEST(DateTime, ParseThrowsNamingTheText) {
  try {
    DateTime::parse("not-a-date");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not-a-date"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DateTime::parse("2023-02-29T00:00:00Z"), std::invalid_argument);
}

}  // namespace
}  // namespace ocpp
