#include "inspection/recurrence.h"

#include "common/clock.h"

#include <gtest/gtest.h>

namespace anxun::inspection {
namespace {

int64_t T(std::string_view rfc3339) {
  auto ms = ParseRfc3339(rfc3339);
  EXPECT_TRUE(ms.has_value()) << rfc3339;
  return ms.value_or(0);
}

std::vector<std::string> Format(const std::vector<int64_t>& ms) {
  std::vector<std::string> out;
  for (int64_t m : ms) out.push_back(FormatRfc3339(m));
  return out;
}

// RFC 5545 section 3.8.5.3, the examples' DTSTART;TZID=America/New_York and
// their listed dates. 09:00 EDT is 13:00Z; after 1997-10-26 09:00 EST is 14:00Z.
struct RfcCase {
  const char* name;
  const char* dtstart;
  const char* rrule;
  std::vector<const char*> exdates;
  std::vector<const char*> expected;  // the first occurrences, local wall times with offsets
};

const std::vector<RfcCase>& RfcCases() {
  static const std::vector<RfcCase> cases = {
      {"daily for 10 occurrences", "1997-09-02T09:00:00-04:00", "FREQ=DAILY;COUNT=10", {},
       {"1997-09-02T09:00:00-04:00", "1997-09-03T09:00:00-04:00", "1997-09-04T09:00:00-04:00",
        "1997-09-05T09:00:00-04:00", "1997-09-06T09:00:00-04:00", "1997-09-07T09:00:00-04:00",
        "1997-09-08T09:00:00-04:00", "1997-09-09T09:00:00-04:00", "1997-09-10T09:00:00-04:00",
        "1997-09-11T09:00:00-04:00"}},
      {"daily until December 24, 1997 (crossing DST end)", "1997-10-24T09:00:00-04:00",
       "FREQ=DAILY;UNTIL=19971224T000000Z", {},
       {"1997-10-24T09:00:00-04:00", "1997-10-25T09:00:00-04:00", "1997-10-26T09:00:00-05:00",
        "1997-10-27T09:00:00-05:00"}},
      {"every other day", "1997-09-02T09:00:00-04:00", "FREQ=DAILY;INTERVAL=2", {},
       {"1997-09-02T09:00:00-04:00", "1997-09-04T09:00:00-04:00", "1997-09-06T09:00:00-04:00",
        "1997-09-08T09:00:00-04:00"}},
      {"weekly for 10 occurrences", "1997-09-02T09:00:00-04:00", "FREQ=WEEKLY;COUNT=10", {},
       {"1997-09-02T09:00:00-04:00", "1997-09-09T09:00:00-04:00", "1997-09-16T09:00:00-04:00",
        "1997-09-23T09:00:00-04:00", "1997-09-30T09:00:00-04:00", "1997-10-07T09:00:00-04:00",
        "1997-10-14T09:00:00-04:00", "1997-10-21T09:00:00-04:00", "1997-10-28T09:00:00-05:00",
        "1997-11-04T09:00:00-05:00"}},
      {"weekly on Tuesday and Thursday for five weeks", "1997-09-02T09:00:00-04:00",
       "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", {},
       {"1997-09-02T09:00:00-04:00", "1997-09-04T09:00:00-04:00", "1997-09-09T09:00:00-04:00",
        "1997-09-11T09:00:00-04:00", "1997-09-16T09:00:00-04:00", "1997-09-18T09:00:00-04:00",
        "1997-09-23T09:00:00-04:00", "1997-09-25T09:00:00-04:00", "1997-09-30T09:00:00-04:00",
        "1997-10-02T09:00:00-04:00"}},
      {"monthly on the first Friday for 10 occurrences", "1997-09-05T09:00:00-04:00",
       "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", {},
       {"1997-09-05T09:00:00-04:00", "1997-10-03T09:00:00-04:00", "1997-11-07T09:00:00-05:00",
        "1997-12-05T09:00:00-05:00", "1998-01-02T09:00:00-05:00", "1998-02-06T09:00:00-05:00",
        "1998-03-06T09:00:00-05:00", "1998-04-03T09:00:00-05:00", "1998-05-01T09:00:00-04:00",
        "1998-06-05T09:00:00-04:00"}},
      {"monthly on the 2nd and 15th for 10 occurrences", "1997-09-02T09:00:00-04:00",
       "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", {},
       {"1997-09-02T09:00:00-04:00", "1997-09-15T09:00:00-04:00", "1997-10-02T09:00:00-04:00",
        "1997-10-15T09:00:00-04:00", "1997-11-02T09:00:00-05:00", "1997-11-15T09:00:00-05:00",
        "1997-12-02T09:00:00-05:00", "1997-12-15T09:00:00-05:00", "1998-01-02T09:00:00-05:00",
        "1998-01-15T09:00:00-05:00"}},
      {"yearly in June and July for 10 occurrences", "1997-06-10T09:00:00-04:00",
       "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", {},
       {"1997-06-10T09:00:00-04:00", "1997-07-10T09:00:00-04:00", "1998-06-10T09:00:00-04:00",
        "1998-07-10T09:00:00-04:00", "1999-06-10T09:00:00-04:00", "1999-07-10T09:00:00-04:00",
        "2000-06-10T09:00:00-04:00", "2000-07-10T09:00:00-04:00", "2001-06-10T09:00:00-04:00",
        "2001-07-10T09:00:00-04:00"}},
      {"every 20th Monday of the year", "1997-05-19T09:00:00-04:00", "FREQ=YEARLY;BYDAY=20MO",
       {},
       {"1997-05-19T09:00:00-04:00", "1998-05-18T09:00:00-04:00",
        "1999-05-17T09:00:00-04:00"}},
      {"every Friday the 13th, DTSTART excluded", "1997-09-02T09:00:00-04:00",
       "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", {"1997-09-02T09:00:00-04:00"},
       {"1998-02-13T09:00:00-05:00", "1998-03-13T09:00:00-05:00", "1998-11-13T09:00:00-05:00",
        "1999-08-13T09:00:00-04:00", "2000-10-13T09:00:00-04:00"}},
      {"BYSETPOS: third of Tue/Wed/Thu, for 3 months", "1997-09-04T09:00:00-04:00",
       "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", {},
       {"1997-09-04T09:00:00-04:00", "1997-10-07T09:00:00-04:00", "1997-11-06T09:00:00-05:00"}},
      {"BYSETPOS: second-to-last weekday of the month", "1997-09-29T09:00:00-04:00",
       "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", {},
       {"1997-09-29T09:00:00-04:00", "1997-10-30T09:00:00-05:00", "1997-11-27T09:00:00-05:00",
        "1997-12-30T09:00:00-05:00", "1998-01-29T09:00:00-05:00", "1998-02-26T09:00:00-05:00",
        "1998-03-30T09:00:00-05:00"}},
      {"every 3 hours, until 17:00Z", "1997-09-02T09:00:00-04:00",
       "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", {},
       {"1997-09-02T09:00:00-04:00", "1997-09-02T12:00:00-04:00", "1997-09-02T15:00:00-04:00"}},
  };
  return cases;
}

TEST(Recurrence, Rfc5545Examples) {
  for (const auto& c : RfcCases()) {
    SCOPED_TRACE(c.name);
    Recurrence r;
    r.rrule = c.rrule;
    r.dtstart = T(c.dtstart);
    r.timezone = "America/New_York";
    for (const char* ex : c.exdates) r.exdates.push_back(T(ex));
    std::vector<int64_t> want;
    for (const char* e : c.expected) want.push_back(T(e));
    EXPECT_EQ(Format(NextOccurrences(r, r.dtstart, want.size())), Format(want));
  }
}

TEST(Recurrence, CountAndUntilEndTheSeries) {
  Recurrence r{"FREQ=DAILY;COUNT=10", T("1997-09-02T09:00:00-04:00"), "America/New_York", {}, {}};
  EXPECT_EQ(NextOccurrences(r, 0, 50).size(), 10u);
  r.rrule = "RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH";
  EXPECT_EQ(NextOccurrences(r, 0, 50).size(), 10u);
}

TEST(Recurrence, ShanghaiTwiceADayWithWindowAndExdays) {
  // 08:00 and 20:00 in Shanghai (UTC+8, no DST) are 00:00Z and 12:00Z.
  Recurrence r{"FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0", T("2026-12-01T08:00:00+08:00"),
               "Asia/Shanghai", {T("2026-12-02T20:00:00+08:00")}, {"2026-12-03"}};
  auto got = Occurrences(r, T("2026-12-01T12:00:00Z"), T("2026-12-05T00:00:00Z"));
  EXPECT_EQ(Format(got),
            (std::vector<std::string>{"2026-12-01T12:00:00Z", "2026-12-02T00:00:00Z",
                                      "2026-12-04T00:00:00Z", "2026-12-04T12:00:00Z"}));
  EXPECT_EQ(LocalDate(T("2026-12-02T17:00:00Z"), "Asia/Shanghai"), "2026-12-03");
}

TEST(Recurrence, NewYorkKeepsWallTimeAcrossSpringForward) {
  Recurrence r{"FREQ=DAILY;COUNT=3", T("2026-03-07T08:00:00-05:00"), "America/New_York", {}, {}};
  EXPECT_EQ(Format(NextOccurrences(r, 0, 5)),
            (std::vector<std::string>{"2026-03-07T13:00:00Z", "2026-03-08T12:00:00Z",
                                      "2026-03-09T12:00:00Z"}));
}

TEST(Recurrence, NextFromTheMiddle) {
  Recurrence r{"FREQ=DAILY", T("2026-01-01T08:00:00+08:00"), "Asia/Shanghai", {}, {}};
  EXPECT_EQ(Format(NextOccurrences(r, T("2026-12-03T01:00:00Z"), 2)),
            (std::vector<std::string>{"2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z"}));
}

TEST(Recurrence, Validation) {
  EXPECT_FALSE(RruleError("FREQ=DAILY;BYHOUR=8,20"));
  EXPECT_FALSE(RruleError("RRULE:FREQ=MONTHLY;BYDAY=1FR"));
  EXPECT_TRUE(RruleError(""));
  EXPECT_TRUE(RruleError("FREQ=SOMETIMES"));
  EXPECT_TRUE(RruleError("hello"));
  EXPECT_TRUE(RruleError("FREQ=MINUTELY"));
  EXPECT_TRUE(RruleError("FREQ=DAILY;BYMONTH=13"));
  EXPECT_TRUE(RruleError("FREQ=HOURLY;BYHOUR=25"));
  EXPECT_TRUE(IsKnownTimezone("Asia/Shanghai"));
  EXPECT_TRUE(IsKnownTimezone("America/New_York"));
  EXPECT_FALSE(IsKnownTimezone("Mars/Olympus"));
}

TEST(Recurrence, RulesThatNeverOccurEndQuietly) {
  Recurrence r{"FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4", T("2026-01-01T08:00:00+08:00"),
               "Asia/Shanghai", {}, {}};
  EXPECT_TRUE(NextOccurrences(r, 0, 3).empty());
}

TEST(Recurrence, DescribeInChinese) {
  const int64_t start = T("2026-12-07T08:00:00+08:00");  // a Monday
  EXPECT_EQ(DescribeRule("FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", start, "Asia/Shanghai"),
            "每天 08:00 和 20:00");
  EXPECT_EQ(DescribeRule("FREQ=WEEKLY;BYDAY=MO", start, "Asia/Shanghai"), "每周一 08:00");
  EXPECT_EQ(DescribeRule("FREQ=WEEKLY", start, "Asia/Shanghai"), "每周一 08:00");
  EXPECT_EQ(DescribeRule("FREQ=WEEKLY;BYDAY=TU,TH", start, "Asia/Shanghai"),
            "每周二和周四 08:00");
  EXPECT_EQ(DescribeRule("FREQ=DAILY;INTERVAL=2;COUNT=10", start, "Asia/Shanghai"),
            "每 2 天 08:00，共 10 次");
  EXPECT_EQ(DescribeRule("FREQ=MONTHLY;BYDAY=1FR", start, "Asia/Shanghai"),
            "每月第一个周五 08:00");
  EXPECT_EQ(DescribeRule("FREQ=MONTHLY;BYMONTHDAY=1", start, "Asia/Shanghai"), "每月 1 日 08:00");
  EXPECT_EQ(DescribeRule("FREQ=HOURLY;INTERVAL=2", start, "Asia/Shanghai"), "每 2 小时");
  EXPECT_EQ(DescribeRule("FREQ=DAILY;BYHOUR=8,12,16", start, "Asia/Shanghai"),
            "每天 08:00、12:00 和 16:00");
  EXPECT_EQ(DescribeRule("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", start, "Asia/Shanghai"),
            "按规则 FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1");
}

}  // namespace
}  // namespace anxun::inspection
