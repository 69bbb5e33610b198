// The pure decisions of alert intake: fingerprints, noise filters, merge
// windows, level raise and silence matching. No database, no clock: every
// function takes the instants it needs (epoch ms), so unit tests use explicit
// times. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::alert {

using Labels = std::map<std::string, std::string, std::less<>>;

// Per-rule configuration (a row of alert_rules; DefaultRule when none).
struct Rule {
  std::string rule;
  // The labels that enter the fingerprint; nullopt = every label (as
  // Alertmanager does).
  std::optional<std::vector<std::string>> fingerprint_labels;
  std::vector<std::string> required_labels;  // e.g. "zone": required zones
  int64_t merge_window_s = 3600;             // merge into an alert last seen within this
  double min_confidence = 0;                 // machine sources below are filtered
  int64_t min_duration_s = 0;                // the condition must hold this long first
  int64_t rate_limit_per_min = 0;  // accepted events per fingerprint per minute; 0 = no limit
  int64_t raise_count = 0;         // this many in raise_window_s raise the level; 0 = never
  int64_t raise_window_s = 3600;
};

Rule DefaultRule(std::string rule);

// One incoming event, validated.
struct Event {
  std::string source;
  std::string rule;
  std::string level;  // major | serious | general | minor
  int64_t org_unit_id = 0;
  std::optional<int64_t> area_id;
  std::optional<int64_t> point_id;
  std::optional<std::string> camera_id;
  int64_t occurred_at = 0;
  Labels labels;
  std::string payload = "{}";  // JSON text
  std::optional<double> confidence;
  std::string file_ids = "[]";  // JSON text
  std::string annotations = "{}";
};

const std::vector<std::string_view>& Levels();  // most severe first
bool IsLevel(std::string_view level);
// 0 for major .. 3 for minor; 4 when unknown.
int LevelRank(std::string_view level);
// The more severe of the two.
std::string MaxLevel(std::string_view a, std::string_view b);
// One step more severe (major stays major).
std::string RaiseLevel(std::string_view level);

// Hex SHA-256 of rule + location (org unit, area, point, camera) + the labels
// the rule names (sorted by name; a named label that is absent counts as
// empty). Stable across runs and back ends.
std::string Fingerprint(const Event& e, const Rule& rule);

// What the filters know about the fingerprint's recent past.
struct FilterFacts {
  int64_t accepted_last_minute = 0;  // events accepted for this fingerprint in the last 60 s
  int64_t held_ms = 0;               // how long the condition has held, as of this event
};

// Why the event is filtered ("low_confidence", "missing_label:<name>",
// "min_duration", "rate_limited"), or nullopt when it counts.
std::optional<std::string> FilterReason(const Event& e, const Rule& rule, const FilterFacts& f);

// Whether an alert last seen at `last_seen` still takes an event that happened
// at `occurred_at` (the later of the two instants counts, so late arrivals
// merge too).
bool InMergeWindow(const Rule& rule, int64_t last_seen, int64_t occurred_at);

// The alert's level after an event of `event_level`: the more severe of the
// current level and the event's, raised one step above the alert's base
// level once `in_window` (events merged within raise_window_s, this one
// included) reaches raise_count. Never lowers the level.
std::string LevelAfter(const Rule& rule, std::string_view current, std::string_view base_level,
                       std::string_view event_level, int64_t in_window);

// A silence: equality matchers on labels, active in [starts_at, ends_at).
struct Matcher {
  std::string name;
  std::string value;
  bool is_equal = true;  // false: the label must differ
};
struct Silence {
  int64_t id = 0;
  std::vector<Matcher> matchers;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
};

// The labels silences and Alertmanager see: the event's labels plus
// alertname/rule, source, level, org_unit_id, area_id, point_id, camera_id.
Labels MatchLabels(const Event& e);

bool SilenceActive(const Silence& s, int64_t now);
// Active at `now` and every matcher holds (a silence without matchers
// matches nothing).
bool SilenceMatches(const Silence& s, const Labels& labels, int64_t now);

}  // namespace anxun::alert
