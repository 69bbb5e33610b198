#include "inspection/recurrence.h"

#include <libical/ical.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <set>
#include <stdexcept>

namespace anxun::inspection {
namespace {

// libical computes a zone's transitions lazily and caches them in the shared
// builtin zone objects, which is not thread-safe: every use goes through here.
std::mutex& IcalMutex() {
  static std::mutex m;
  return m;
}

// The builtin zone, or null. Callers hold IcalMutex().
icaltimezone* Zone(std::string_view name) {
  if (name.empty()) return nullptr;
  return icaltimezone_get_builtin_timezone(std::string(name).c_str());
}

std::string StripPrefix(std::string_view rrule) {
  if (rrule.size() >= 6 && (rrule.substr(0, 6) == "RRULE:" || rrule.substr(0, 6) == "rrule:")) {
    rrule.remove_prefix(6);
  }
  return std::string(rrule);
}

// Parses `rrule`; freq is ICAL_NO_RECURRENCE when malformed. Callers hold IcalMutex().
icalrecurrencetype Parse(std::string_view rrule) {
  icalerror_clear_errno();
  icalrecurrencetype r = icalrecurrencetype_from_string(StripPrefix(rrule).c_str());
  if (icalerrno != ICAL_NO_ERROR) r.freq = ICAL_NO_RECURRENCE;
  icalerror_clear_errno();
  return r;
}

int64_t ToMs(icaltimetype t, icaltimezone* zone) {
  return static_cast<int64_t>(icaltime_as_timet_with_zone(t, zone)) * 1000;
}

icaltimetype ToLocal(int64_t ms, icaltimezone* zone) {
  const time_t secs = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  return icaltime_from_timet_with_zone(secs, 0, zone);
}

std::string DateOf(icaltimetype t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  return buf;
}

// Calls `visit(start_ms, local_date)` for each occurrence at or after `from`
// in order until it returns false. Holds IcalMutex() throughout.
template <class Visit>
void Expand(const Recurrence& r, int64_t from, Visit visit) {
  std::lock_guard lock(IcalMutex());
  icaltimezone* zone = Zone(r.timezone);
  if (!zone) throw std::invalid_argument("unknown time zone " + r.timezone);
  icalrecurrencetype rule = Parse(r.rrule);
  if (rule.freq == ICAL_NO_RECURRENCE) throw std::invalid_argument("malformed RRULE");

  const std::set<int64_t> exdates(r.exdates.begin(), r.exdates.end());
  const std::set<std::string> exdays(r.exdays.begin(), r.exdays.end());
  icalrecur_iterator* it = icalrecur_iterator_new(rule, ToLocal(r.dtstart, zone));
  if (!it) throw std::invalid_argument("malformed RRULE");

  // A rule that can never match (BYMONTHDAY=30;BYMONTH=2) would spin forever.
  constexpr int kMaxSteps = 2'000'000;
  for (int step = 0; step < kMaxSteps; ++step) {
    const icaltimetype t = icalrecur_iterator_next(it);
    if (icaltime_is_null_time(t) || t.year > 2200) break;
    const int64_t ms = ToMs(t, zone);
    if (ms < from || exdates.count(ms) || exdays.count(DateOf(t))) continue;
    if (!visit(ms)) break;
  }
  icalrecur_iterator_free(it);
}

const char* kWeekdays[] = {"", "日", "一", "二", "三", "四", "五", "六"};  // libical: 1 = Sunday

std::vector<int> Values(const short* arr, int max) {
  std::vector<int> out;
  for (int i = 0; i < max && arr[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) out.push_back(arr[i]);
  return out;
}

// "a 和 b", "a、b 和 c".
std::string JoinChinese(const std::vector<std::string>& parts, bool spaced = true) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? (spaced ? " 和 " : "和") : "、";
    out += parts[i];
  }
  return out;
}

std::string Ordinal(int pos) {
  static const char* kNums[] = {"", "一", "二", "三", "四", "五"};
  if (pos == -1) return "最后一个";
  if (pos < -1) return "倒数第" + std::to_string(-pos) + "个";
  if (pos >= 1 && pos <= 5) return std::string("第") + kNums[pos] + "个";
  return "第" + std::to_string(pos) + "个";
}

std::string Days(const icalrecurrencetype& r) {
  std::vector<std::string> parts;
  for (int d : Values(r.by_day, ICAL_BY_DAY_SIZE)) {
    const int wd = icalrecurrencetype_day_day_of_week(static_cast<short>(d));
    const int pos = icalrecurrencetype_day_position(static_cast<short>(d));
    std::string s = pos == 0 ? "" : Ordinal(pos);
    parts.push_back(s + "周" + kWeekdays[wd]);
  }
  return JoinChinese(parts, false);
}

std::string Times(const icalrecurrencetype& r, icaltimetype start) {
  std::vector<int> hours = Values(r.by_hour, ICAL_BY_HOUR_SIZE);
  std::vector<int> minutes = Values(r.by_minute, ICAL_BY_MINUTE_SIZE);
  if (hours.empty()) hours.push_back(start.hour);
  if (minutes.empty()) minutes.push_back(start.minute);
  std::sort(hours.begin(), hours.end());
  std::sort(minutes.begin(), minutes.end());
  std::vector<std::string> parts;
  for (int h : hours) {
    for (int m : minutes) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
      parts.emplace_back(buf);
    }
  }
  return JoinChinese(parts);
}

std::string Every(int interval, const std::string& unit_one, const std::string& unit_n) {
  if (interval <= 1) return "每" + unit_one;
  return "每 " + std::to_string(interval) + " " + unit_n;
}

}  // namespace

std::optional<std::string> RruleError(std::string_view rrule) {
  if (rrule.empty()) return "不能为空 / required";
  if (rrule.size() > 500) return "过长 / too long";
  std::lock_guard lock(IcalMutex());
  const icalrecurrencetype r = Parse(rrule);
  if (r.freq == ICAL_NO_RECURRENCE) return "不是有效的 RRULE / not a valid RFC 5545 RRULE";
  if (r.freq == ICAL_SECONDLY_RECURRENCE || r.freq == ICAL_MINUTELY_RECURRENCE) {
    return "频率不能高于每小时 / must not be more frequent than hourly";
  }
  if (r.interval < 1) return "INTERVAL 必须为正 / INTERVAL must be positive";
  // libical refuses some parsed rules only when iterating (BYMONTH=13, ...).
  icalrecur_iterator* it =
      icalrecur_iterator_new(r, icaltime_from_timet_with_zone(1767225600, 0, nullptr));
  icalerror_clear_errno();
  if (!it) return "不是有效的 RRULE / not a valid RFC 5545 RRULE";
  icalrecur_iterator_free(it);
  return std::nullopt;
}

bool IsKnownTimezone(std::string_view name) {
  std::lock_guard lock(IcalMutex());
  return Zone(name) != nullptr;
}

std::vector<int64_t> Occurrences(const Recurrence& r, int64_t from, int64_t until, size_t limit) {
  std::vector<int64_t> out;
  if (limit == 0 || from >= until) return out;
  Expand(r, from, [&](int64_t ms) {
    if (ms >= until) return false;
    out.push_back(ms);
    return out.size() < limit;
  });
  return out;
}

std::vector<int64_t> NextOccurrences(const Recurrence& r, int64_t from, size_t count) {
  std::vector<int64_t> out;
  if (count == 0) return out;
  Expand(r, from, [&](int64_t ms) {
    out.push_back(ms);
    return out.size() < count;
  });
  return out;
}

std::string LocalDate(int64_t ms, std::string_view timezone) {
  std::lock_guard lock(IcalMutex());
  icaltimezone* zone = Zone(timezone);
  if (!zone) throw std::invalid_argument("unknown time zone");
  return DateOf(ToLocal(ms, zone));
}

std::string DescribeRule(std::string_view rrule, int64_t dtstart, std::string_view timezone) {
  std::lock_guard lock(IcalMutex());
  const icalrecurrencetype r = Parse(rrule);
  icaltimezone* zone = Zone(timezone);
  const std::string fallback = "按规则 " + StripPrefix(rrule);
  if (r.freq == ICAL_NO_RECURRENCE || !zone) return fallback;
  const icaltimetype start = ToLocal(dtstart, zone);
  const std::string days = Days(r);
  const std::vector<int> month_days = Values(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
  const std::vector<int> months = Values(r.by_month, ICAL_BY_MONTH_SIZE);
  const bool set_pos = r.by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX;
  if (set_pos || r.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
      r.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX) {
    return fallback;
  }

  auto day_list = [](const std::vector<int>& ds) {
    std::vector<std::string> parts;
    for (int d : ds) parts.push_back(d < 0 ? "倒数第 " + std::to_string(-d) + " 日"
                                            : std::to_string(d) + " 日");
    return JoinChinese(parts);
  };

  std::string text;
  switch (r.freq) {
    case ICAL_HOURLY_RECURRENCE:
      text = Every(r.interval, "小时", "小时");
      break;
    case ICAL_DAILY_RECURRENCE:
      text = Every(r.interval, "天", "天");
      if (!days.empty()) text += "（仅" + days + "）";
      text += " " + Times(r, start);
      break;
    case ICAL_WEEKLY_RECURRENCE:
      text = r.interval <= 1 ? "每" : "每 " + std::to_string(r.interval) + " 周的";
      text += days.empty() ? "周" + std::string(kWeekdays[icaltime_day_of_week(start)]) : days;
      text += " " + Times(r, start);
      break;
    case ICAL_MONTHLY_RECURRENCE:
      text = Every(r.interval, "月", "个月");
      if (!days.empty()) text += days;
      else text += " " + day_list(month_days.empty() ? std::vector<int>{start.day} : month_days);
      text += " " + Times(r, start);
      break;
    case ICAL_YEARLY_RECURRENCE: {
      text = Every(r.interval, "年", "年");
      std::vector<std::string> ms;
      for (int m : months.empty() ? std::vector<int>{start.month} : months) {
        ms.push_back(std::to_string(m) + " 月");
      }
      text += " " + JoinChinese(ms);
      if (!days.empty()) text += days;
      else text += " " + day_list(month_days.empty() ? std::vector<int>{start.day} : month_days);
      text += " " + Times(r, start);
      break;
    }
    default:
      return fallback;
  }
  if (r.count > 0) text += "，共 " + std::to_string(r.count) + " 次";
  if (!icaltime_is_null_time(r.until)) {
    icaltimetype until = r.until;
    if (!until.is_date && icaltime_is_utc(until)) {
      until = icaltime_from_timet_with_zone(icaltime_as_timet(until), 0, zone);
    }
    text += "，至 " + DateOf(until);
  }
  return text;
}

}  // namespace anxun::inspection
