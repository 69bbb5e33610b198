#include "alert/engine.h"

#include "common/crypto.h"

#include <algorithm>

namespace anxun::alert {

Rule DefaultRule(std::string rule) {
  Rule r;
  r.rule = std::move(rule);
  return r;
}

const std::vector<std::string_view>& Levels() {
  static const std::vector<std::string_view> all = {"major", "serious", "general", "minor"};
  return all;
}

bool IsLevel(std::string_view level) {
  return LevelRank(level) < 4;
}

int LevelRank(std::string_view level) {
  const auto& all = Levels();
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i] == level) return static_cast<int>(i);
  return 4;
}

std::string MaxLevel(std::string_view a, std::string_view b) {
  return std::string(LevelRank(a) <= LevelRank(b) ? a : b);
}

std::string RaiseLevel(std::string_view level) {
  const int rank = LevelRank(level);
  if (rank >= 4) return std::string(level);
  return std::string(Levels()[rank == 0 ? 0 : rank - 1]);
}

namespace {

void Field(std::string& out, std::string_view name, std::string_view value) {
  // Length-prefixed so that no choice of values can collide with another.
  out += std::to_string(name.size()) + ":" + std::string(name) + "=" +
         std::to_string(value.size()) + ":" + std::string(value) + ";";
}

std::string OptText(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : "";
}

}  // namespace

std::string Fingerprint(const Event& e, const Rule& rule) {
  std::string key;
  Field(key, "rule", e.rule);
  Field(key, "org_unit_id", std::to_string(e.org_unit_id));
  Field(key, "area_id", OptText(e.area_id));
  Field(key, "point_id", OptText(e.point_id));
  Field(key, "camera_id", e.camera_id.value_or(""));
  if (rule.fingerprint_labels) {
    std::vector<std::string> names = *rule.fingerprint_labels;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& n : names) {
      auto it = e.labels.find(n);
      Field(key, "label." + n, it == e.labels.end() ? "" : it->second);
    }
  } else {
    for (const auto& [n, v] : e.labels)  // std::map: sorted
      Field(key, "label." + n, v);
  }
  return Sha256Hex(key);
}

std::optional<std::string> FilterReason(const Event& e, const Rule& rule, const FilterFacts& f) {
  if (rule.min_confidence > 0 && e.confidence && *e.confidence < rule.min_confidence) {
    return "low_confidence";
  }
  for (const auto& name : rule.required_labels) {
    auto it = e.labels.find(name);
    if (it == e.labels.end() || it->second.empty()) return "missing_label:" + name;
  }
  if (rule.min_duration_s > 0 && f.held_ms < rule.min_duration_s * 1000) return "min_duration";
  if (rule.rate_limit_per_min > 0 && f.accepted_last_minute >= rule.rate_limit_per_min) {
    return "rate_limited";
  }
  return std::nullopt;
}

bool InMergeWindow(const Rule& rule, int64_t last_seen, int64_t occurred_at) {
  return occurred_at <= last_seen || occurred_at - last_seen <= rule.merge_window_s * 1000;
}

std::string LevelAfter(const Rule& rule, std::string_view current, std::string_view base_level,
                       std::string_view event_level, int64_t in_window) {
  std::string level = MaxLevel(current, event_level);
  if (rule.raise_count > 0 && in_window >= rule.raise_count) {
    level = MaxLevel(level, RaiseLevel(MaxLevel(base_level, event_level)));
  }
  return level;
}

Labels MatchLabels(const Event& e) {
  Labels out = e.labels;
  out["alertname"] = e.rule;
  out["rule"] = e.rule;
  out["source"] = e.source;
  out["level"] = e.level;
  out["org_unit_id"] = std::to_string(e.org_unit_id);
  if (e.area_id) out["area_id"] = std::to_string(*e.area_id);
  if (e.point_id) out["point_id"] = std::to_string(*e.point_id);
  if (e.camera_id) out["camera_id"] = *e.camera_id;
  return out;
}

bool SilenceActive(const Silence& s, int64_t now) {
  return s.starts_at <= now && now < s.ends_at;
}

bool SilenceMatches(const Silence& s, const Labels& labels, int64_t now) {
  if (!SilenceActive(s, now) || s.matchers.empty()) return false;
  for (const auto& m : s.matchers) {
    auto it = labels.find(m.name);
    const std::string value = it == labels.end() ? "" : it->second;
    if ((value == m.value) != m.is_equal) return false;
  }
  return true;
}

}  // namespace anxun::alert
