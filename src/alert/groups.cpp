#include "alert/groups.h"

#include "common/clock.h"
#include "db/query.h"
#include "org/json_text.h"

#include <boost/json.hpp>

namespace anxun::alert {

namespace {

using org::AppendJsonInt;
using org::AppendJsonString;

constexpr std::string_view kReceiver = R"({"name":"anxun"})";

// Whether the stored labels (a JSON object) with alertname and level match.
bool Matches(const LabelFilter& f, std::string_view rule, std::string_view level,
             std::string_view labels_text) {
  std::optional<std::string> value;
  if (f.name == "alertname") {
    value = std::string(rule);
  } else if (f.name == "level") {
    value = std::string(level);
  } else {
    boost::system::error_code ec;
    const auto labels = boost::json::parse(labels_text, ec);
    if (!ec && labels.is_object()) {
      if (const auto* v = labels.as_object().if_contains(f.name); v && v->is_string())
        value = std::string(v->as_string());
    }
  }
  return (value.value_or("") == f.value) == f.is_equal;
}

// The stored labels object with alertname and level added in front. The
// stored object never holds those two: intake takes them out.
void AppendLabels(std::string& out, std::string_view rule, std::string_view level,
                  std::string_view labels_text) {
  out += "{\"alertname\":";
  AppendJsonString(out, rule);
  out += ",\"level\":";
  AppendJsonString(out, level);
  if (labels_text.size() > 2 && labels_text.front() == '{') {
    out.push_back(',');
    out.append(labels_text.substr(1));
  } else {
    out.push_back('}');
  }
}

void AppendObjectOrEmpty(std::string& out, std::string_view text) {
  out.append(!text.empty() && text.front() == '{' ? text : std::string_view("{}"));
}

}  // namespace

std::optional<LabelFilter> ParseLabelFilter(std::string_view text) {
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}')
    text = text.substr(1, text.size() - 2);
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  LabelFilter f;
  f.is_equal = text[eq - 1] != '!';
  f.name = std::string(text.substr(0, f.is_equal ? eq : eq - 1));
  std::string_view value = text.substr(eq + 1);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  f.value = std::string(value);
  if (f.name.empty() || f.name.find_first_of("\"{}, ") != std::string::npos) return std::nullopt;
  return f;
}

std::string ActiveAlertGroupsJson(db::Conn& c, const auth::AccessScope& scope,
                                  const std::optional<LabelFilter>& filter) {
  db::Where where;
  scope.Apply(where, "a.org_unit_id");
  where.Add("a.status IN ('open','acknowledged')");
  const auto rows = c.Query(
      "SELECT a.rule, a.level, a.labels, a.annotations, a.first_seen, a.updated_at, "
      "a.fingerprint, a.silenced, a.id, a.count, a.status FROM alerts a" +
          where.Sql() + " ORDER BY a.rule, a.last_seen DESC, a.id DESC",
      where.params());

  std::string out = "[";
  std::string current_rule;
  bool open_group = false;
  for (const auto& r : rows) {
    const std::string rule = r.Str(0), level = r.Str(1), labels = r.Str(2);
    if (filter && !Matches(*filter, rule, level, labels)) continue;
    if (!open_group || rule != current_rule) {
      if (open_group) out += "]},";
      out += "{\"labels\":{\"alertname\":";
      AppendJsonString(out, rule);
      out += "},\"receiver\":";
      out += kReceiver;
      out += ",\"alerts\":[";
      current_rule = rule;
      open_group = true;
    } else {
      out.push_back(',');
    }
    out += "{\"labels\":";
    AppendLabels(out, rule, level, labels);
    out += ",\"annotations\":";
    AppendObjectOrEmpty(out, r.Str(3));
    out += ",\"startsAt\":";
    AppendJsonString(out, FormatRfc3339(r.Int(4)));
    out += ",\"updatedAt\":";
    AppendJsonString(out, FormatRfc3339(r.Int(5)));
    out += R"(,"endsAt":"0001-01-01T00:00:00Z","fingerprint":)";
    AppendJsonString(out, r.Str(6));
    out += R"(,"generatorURL":"","receivers":[)";
    out += kReceiver;
    out += R"(],"status":{"state":)";
    out += r.Int(7) != 0 ? "\"suppressed\"" : "\"active\"";
    out += R"(,"silencedBy":[],"inhibitedBy":[],"mutedBy":[]},"anxun":{"id":)";
    AppendJsonInt(out, r.Int(8));
    out += ",\"count\":";
    AppendJsonInt(out, r.Int(9));
    out += ",\"status\":";
    AppendJsonString(out, r.Str(10));
    out += ",\"level\":";
    AppendJsonString(out, level);
    out += "}}";
  }
  if (open_group) out += "]}";
  out += "]";
  return out;
}

}  // namespace anxun::alert
