#include "common/clock.h"

#include <gtest/gtest.h>

namespace anxun {
namespace {

TEST(Clock, FormatsRfc3339InUtc) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1796292000000), "2026-12-03T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(1796292000250), "2026-12-03T10:00:00.250Z");
  EXPECT_EQ(FormatRfc3339(951782400000), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-1000), "1969-12-31T23:59:59Z");
}

TEST(Clock, ParsesWhatItFormatsAndOffsets) {
  for (int64_t ms : {0LL, 1796292000000LL, 1796292000250LL, 951782400000LL, 4102444799999LL}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(ms)), ms);
  }
  EXPECT_EQ(ParseRfc3339("2026-12-03T18:00:00+08:00"), 1796292000000);
  EXPECT_EQ(ParseRfc3339("2026-12-03T10:00:00.25Z"), 1796292000250);
}

TEST(Clock, RefusesMalformedTimes) {
  for (const char* bad : {"", "2026-12-03", "2026-12-03T10:00:00", "2026-13-03T10:00:00Z",
                          "2026-12-03T10:00:00+0800", "2026-12-03T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Clock, TestClockCanBeSetAndAdvanced) {
  SetNowForTesting(1000);
  AdvanceNowForTesting(500);
  EXPECT_EQ(NowMs(), 1500);
  SetNowForTesting(0);
  EXPECT_GT(NowMs(), 1700000000000);
}

}  // namespace
}  // namespace anxun
