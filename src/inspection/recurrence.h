// Plan recurrence: RFC 5545 RRULEs with EXDATEs, expanded by libical in the
// plan's time zone (its org unit's, e.g. Asia/Shanghai), answered as UTC epoch
// milliseconds (common/clock.h). "Every day at 08:00" stays at 08:00 local time
// across daylight-saving changes in zones that have them.
//
// The one expansion used by the occurrences preview and by the task generator.
// Thread-safe: each call builds its own libical iterator; libical's builtin
// time zones are loaded once under a lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::inspection {

struct Recurrence {
  std::string rrule;     // "FREQ=DAILY;BYHOUR=8,20" ("RRULE:" prefix accepted)
  int64_t dtstart = 0;   // epoch ms; its wall time in `timezone` anchors the rule
  std::string timezone = "Asia/Shanghai";  // IANA name
  std::vector<int64_t> exdates;            // exact occurrence instants to skip
  std::vector<std::string> exdays;         // local dates "YYYY-MM-DD": skip the whole day
};

// Why `rrule` is not usable (a message for details.fields.rrule), or nullopt
// when it parses and has a FREQ. Rules finer than hourly (SECONDLY, MINUTELY)
// are refused: an inspection cannot run more often than that.
std::optional<std::string> RruleError(std::string_view rrule);
// True when libical knows the IANA zone `name`.
bool IsKnownTimezone(std::string_view name);

// Occurrence starts t with from <= t < until, ascending, at most `limit`.
// REQUIRES: RruleError(r.rrule) is nullopt and the zone is known (otherwise
// throws std::invalid_argument).
std::vector<int64_t> Occurrences(const Recurrence& r, int64_t from, int64_t until,
                                 size_t limit = 100000);
// The next `count` occurrence starts at or after `from`.
std::vector<int64_t> NextOccurrences(const Recurrence& r, int64_t from, size_t count);

// "YYYY-MM-DD" of the local date of `ms` in `timezone`.
std::string LocalDate(int64_t ms, std::string_view timezone);

// The rule in plain Chinese: "每天 08:00 和 20:00", "每周一 09:00",
// "每月第一个周五 09:00", "每 2 天 08:00，共 10 次". Times come from BYHOUR /
// BYMINUTE, or else from the wall time of `dtstart` in `timezone`. Falls back
// to "按规则 <rrule>" for rules it cannot put in words.
std::string DescribeRule(std::string_view rrule, int64_t dtstart, std::string_view timezone);

}  // namespace anxun::inspection
