#include "alert/store.h"

#include "common/clock.h"
#include "common/error.h"
#include "org/fields.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace anxun::alert {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;

boost::json::value ParseOr(const std::string& text, boost::json::value fallback) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? fallback : v;
}

std::vector<std::string> StrArray(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) return out;
  auto v = ParseOr(*text, boost::json::array());
  if (!v.is_array()) return out;
  for (const auto& x : v.as_array())
    if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}

std::string LabelsText(const Labels& labels) {
  boost::json::object o;
  for (const auto& [k, v] : labels)
    o[k] = v;
  return boost::json::serialize(o);
}

// ---- rules and silences, cached for one batch -------------------------------

struct BatchCache {
  std::map<std::string, Rule, std::less<>> rules;
  std::unordered_map<int64_t, std::string> unit_paths;
  std::vector<std::pair<Silence, std::string>> silences;  // with the unit path
};

const Rule& CachedRule(db::Conn& c, BatchCache& cache, const std::string& name) {
  auto it = cache.rules.find(name);
  if (it == cache.rules.end()) it = cache.rules.emplace(name, LoadRule(c, name)).first;
  return it->second;
}

const std::string& UnitPath(db::Conn& c, BatchCache& cache, int64_t unit_id) {
  auto it = cache.unit_paths.find(unit_id);
  if (it == cache.unit_paths.end()) {
    auto row = c.QueryOne("SELECT path FROM org_units WHERE id = ?", {unit_id});
    it = cache.unit_paths.emplace(unit_id, row ? row->Str(0) : std::string("//")).first;
  }
  return it->second;
}

std::vector<Matcher> ParseMatchers(const std::string& text) {
  std::vector<Matcher> out;
  auto v = ParseOr(text, boost::json::array());
  if (!v.is_array()) return out;
  for (const auto& m : v.as_array()) {
    if (!m.is_object()) continue;
    const auto& o = m.as_object();
    Matcher x;
    if (auto* n = o.if_contains("name"); n && n->is_string()) x.name = n->as_string();
    if (auto* n = o.if_contains("value"); n && n->is_string()) x.value = n->as_string();
    if (auto* n = o.if_contains("is_equal"); n && n->is_bool()) x.is_equal = n->as_bool();
    out.push_back(std::move(x));
  }
  return out;
}

void LoadSilences(db::Conn& c, BatchCache& cache, int64_t now) {
  auto rows = c.Query(
      "SELECT s.id, s.matchers, s.starts_at, s.ends_at, u.path FROM silences s "
      "JOIN org_units u ON u.id = s.org_unit_id WHERE s.starts_at <= ? AND s.ends_at > ?",
      {now, now});
  for (const auto& r : rows) {
    Silence s{r.Int(0), ParseMatchers(r.Str(1)), r.Int(2), r.Int(3)};
    cache.silences.emplace_back(std::move(s), r.Str(4));
  }
}

// A silence reaches events of its own unit and the units below it.
bool Silenced(db::Conn& c, BatchCache& cache, const Event& e, int64_t now) {
  if (cache.silences.empty()) return false;
  const Labels labels = MatchLabels(e);
  const std::string& path = UnitPath(c, cache, e.org_unit_id);
  for (const auto& [s, unit_path] : cache.silences) {
    if (path.rfind(unit_path, 0) == 0 && SilenceMatches(s, labels, now)) return true;
  }
  return false;
}

// ---- rows -------------------------------------------------------------------

constexpr const char* kAlertColumns =
    "a.id, a.fingerprint, a.rule, a.source, a.level, a.base_level, a.status, a.resolution, "
    "a.reject_reason, a.hazard_id, a.count, a.first_seen, a.last_seen, a.org_unit_id, "
    "a.area_id, a.point_id, a.camera_id, a.labels, a.annotations, a.latest_event_id, "
    "a.latest_payload, a.latest_file_ids, a.latest_confidence, a.silenced, a.acknowledged_by, "
    "a.acknowledged_at, a.resolved_by, a.resolved_at, a.version, a.created_at, a.updated_at";

Alert AlertFrom(const db::Row& r) {
  Alert a;
  a.id = r.Int(0);
  a.fingerprint = r.Str(1);
  a.rule = r.Str(2);
  a.source = r.Str(3);
  a.level = r.Str(4);
  a.base_level = r.Str(5);
  a.status = r.Str(6);
  a.resolution = r.OptStr(7);
  a.reject_reason = r.OptStr(8);
  a.hazard_id = r.OptInt(9);
  a.count = r.Int(10);
  a.first_seen = r.Int(11);
  a.last_seen = r.Int(12);
  a.org_unit_id = r.Int(13);
  a.area_id = r.OptInt(14);
  a.point_id = r.OptInt(15);
  a.camera_id = r.OptStr(16);
  a.labels = r.Str(17);
  a.annotations = r.Str(18);
  a.latest_event_id = r.OptInt(19);
  a.latest_payload = r.Str(20);
  a.latest_file_ids = r.Str(21);
  a.latest_confidence = r.OptReal(22);
  a.silenced = r.Bool(23);
  a.acknowledged_by = r.OptInt(24);
  a.acknowledged_at = r.OptInt(25);
  a.resolved_by = r.OptInt(26);
  a.resolved_at = r.OptInt(27);
  a.version = r.Int(28);
  a.created_at = r.Int(29);
  a.updated_at = r.Int(30);
  return a;
}

void AppendHistory(db::Conn& c, int64_t alert_id, std::string_view action,
                   const std::optional<std::string>& from, const std::string& to,
                   const std::string& level, std::optional<int64_t> actor, std::string note,
                   int64_t now) {
  c.Exec(
      "INSERT INTO alert_history (alert_id, action, from_status, to_status, level, actor_id, "
      "note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {alert_id, std::string(action), db::Opt(from), to, level, db::Opt(actor), std::move(note),
       now});
}

void QueueNotification(db::Conn& c, int64_t alert_id, std::string_view reason,
                       const std::string& level, int64_t now) {
  c.Exec("INSERT INTO alert_outbox (alert_id, reason, level, created_at) VALUES (?, ?, ?, ?)",
         {alert_id, std::string(reason), level, now});
}

int64_t InsertEvent(db::Conn& c, const Event& e, const std::string& fingerprint,
                    std::optional<int64_t> alert_id, const std::optional<std::string>& filtered,
                    bool silenced, std::optional<int64_t> posted_by, int64_t now) {
  return c.Insert(
      "INSERT INTO events (source, rule, level, org_unit_id, area_id, point_id, camera_id, "
      "occurred_at, received_at, labels, payload, confidence, file_ids, fingerprint, alert_id, "
      "filtered_reason, silenced, posted_by) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {e.source, e.rule, e.level, e.org_unit_id, db::Opt(e.area_id), db::Opt(e.point_id),
       db::Opt(e.camera_id), e.occurred_at, now, LabelsText(e.labels), e.payload,
       db::Opt(e.confidence), e.file_ids, fingerprint, db::Opt(alert_id), db::Opt(filtered),
       int64_t{silenced}, db::Opt(posted_by)});
}

std::optional<Alert> ActiveAlertFor(db::Conn& c, const std::string& fingerprint) {
  auto row = c.QueryOne(std::string("SELECT ") + kAlertColumns +
                            " FROM alerts a WHERE a.fingerprint = ? AND a.status IN "
                            "('open','acknowledged') ORDER BY a.id DESC LIMIT 1",
                        {fingerprint});
  if (!row) return std::nullopt;
  return AlertFrom(*row);
}

FilterFacts Facts(db::Conn& c, const Incoming& in, const Rule& rule, const std::string& fingerprint,
                  bool has_active) {
  FilterFacts f;
  const Event& e = in.event;
  if (rule.rate_limit_per_min > 0) {
    f.accepted_last_minute =
        c.QueryInt(
             "SELECT COUNT(*) FROM events WHERE fingerprint = ? AND filtered_reason IS NULL "
             "AND occurred_at > ? AND occurred_at <= ?",
             {fingerprint, e.occurred_at - kMinuteMs, e.occurred_at})
            .value_or(0);
  }
  if (rule.min_duration_s > 0) {
    if (in.held_since) {
      f.held_ms = e.occurred_at - *in.held_since;
    } else if (has_active) {
      f.held_ms = rule.min_duration_s * 1000;  // already counted once
    } else {
      // The first sighting of this condition not older than twice the duration.
      auto first = c.QueryInt(
          "SELECT MIN(occurred_at) FROM events WHERE fingerprint = ? AND occurred_at >= ?",
          {fingerprint, e.occurred_at - 2 * rule.min_duration_s * 1000});
      f.held_ms = first ? e.occurred_at - *first : 0;
    }
  }
  return f;
}

Outcome ResolveBySource(db::Conn& c, const Incoming& in, const std::string& fingerprint,
                        std::optional<int64_t> posted_by, int64_t now) {
  Outcome o;
  o.resolved = true;
  auto active = ActiveAlertFor(c, fingerprint);
  if (!active) {
    o.event_id = InsertEvent(c, in.event, fingerprint, std::nullopt, "nothing_to_resolve", false,
                             posted_by, now);
    o.filtered = "nothing_to_resolve";
    o.resolved = false;
    return o;
  }
  o.alert_id = active->id;
  o.level = active->level;
  o.event_id =
      InsertEvent(c, in.event, fingerprint, active->id, std::nullopt, false, posted_by, now);
  c.Exec(
      "UPDATE alerts SET status = 'resolved', resolution = 'source_resolved', resolved_at = ?, "
      "version = version + 1, updated_at = ? WHERE id = ?",
      {now, now, active->id});
  AppendHistory(c, active->id, "source_resolve", active->status, "resolved", active->level,
                posted_by, "", now);
  return o;
}

Outcome IngestOne(db::Conn& c, BatchCache& cache, const Incoming& in,
                  std::optional<int64_t> posted_by, int64_t now) {
  const Event& e = in.event;
  const Rule& rule = CachedRule(c, cache, e.rule);
  const std::string fingerprint = Fingerprint(e, rule);
  if (in.resolved_by_source) return ResolveBySource(c, in, fingerprint, posted_by, now);

  auto active = ActiveAlertFor(c, fingerprint);
  if (active && !InMergeWindow(rule, active->last_seen, e.occurred_at)) active.reset();

  Outcome o;
  o.silenced = Silenced(c, cache, e, now);
  o.filtered = FilterReason(e, rule, Facts(c, in, rule, fingerprint, active.has_value()));
  if (o.filtered) {
    o.event_id =
        InsertEvent(c, e, fingerprint, std::nullopt, o.filtered, o.silenced, posted_by, now);
    return o;
  }

  if (!active) {
    const int64_t id = c.Insert(
        "INSERT INTO alerts (fingerprint, rule, source, level, base_level, count, first_seen, "
        "last_seen, org_unit_id, area_id, point_id, camera_id, labels, annotations, "
        "latest_payload, latest_file_ids, latest_confidence, silenced, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {fingerprint, e.rule, e.source, e.level, e.level, e.occurred_at, e.occurred_at,
         e.org_unit_id, db::Opt(e.area_id), db::Opt(e.point_id), db::Opt(e.camera_id),
         LabelsText(e.labels), e.annotations, e.payload, e.file_ids, db::Opt(e.confidence),
         int64_t{o.silenced}, now, now});
    o.alert_id = id;
    o.level = e.level;
    o.event_id = InsertEvent(c, e, fingerprint, id, std::nullopt, o.silenced, posted_by, now);
    c.Exec("UPDATE alerts SET latest_event_id = ? WHERE id = ?", {*o.event_id, id});
    AppendHistory(c, id, "open", std::nullopt, "open", e.level, posted_by,
                  o.silenced ? "silenced" : "", now);
    if (!o.silenced) {
      QueueNotification(c, id, "open", e.level, now);
      o.notify = true;
    }
    return o;
  }

  int64_t in_window = 0;
  if (rule.raise_count > 0) {
    in_window = c.QueryInt(
                     "SELECT COUNT(*) FROM events WHERE alert_id = ? AND filtered_reason IS NULL "
                     "AND occurred_at > ? AND occurred_at <= ?",
                     {active->id, e.occurred_at - rule.raise_window_s * 1000, e.occurred_at})
                    .value_or(0) +
                1;
  }
  const std::string level = LevelAfter(rule, active->level, active->base_level, e.level, in_window);
  o.alert_id = active->id;
  o.merged = true;
  o.level = level;
  o.event_id = InsertEvent(c, e, fingerprint, active->id, std::nullopt, o.silenced, posted_by, now);
  // The latest evidence is the event that happened last (late arrivals keep it).
  Alert next = *active;
  next.first_seen = std::min(active->first_seen, e.occurred_at);
  next.last_seen = std::max(active->last_seen, e.occurred_at);
  if (e.occurred_at >= active->last_seen) {
    next.latest_event_id = o.event_id;
    next.latest_payload = e.payload;
    next.latest_file_ids = e.file_ids;
    next.latest_confidence = e.confidence;
    next.labels = LabelsText(e.labels);
  }
  c.Exec(
      "UPDATE alerts SET count = count + 1, level = ?, first_seen = ?, last_seen = ?, "
      "latest_event_id = ?, latest_payload = ?, latest_file_ids = ?, latest_confidence = ?, "
      "labels = ?, silenced = ?, updated_at = ? WHERE id = ?",
      {level, next.first_seen, next.last_seen, db::Opt(next.latest_event_id), next.latest_payload,
       next.latest_file_ids, db::Opt(next.latest_confidence), next.labels, int64_t{o.silenced}, now,
       active->id});
  if (LevelRank(level) < LevelRank(active->level)) {
    AppendHistory(c, active->id, "level_raise", active->status, active->status, level, posted_by,
                  active->level + " -> " + level, now);
    if (!o.silenced) {
      QueueNotification(c, active->id, "level_raise", level, now);
      o.notify = true;
    }
  }
  return o;
}

}  // namespace

Rule LoadRule(db::Conn& c, const std::string& name) {
  auto row = c.QueryOne(
      "SELECT fingerprint_labels, required_labels, merge_window_s, min_confidence, "
      "min_duration_s, rate_limit_per_min, raise_count, raise_window_s FROM alert_rules "
      "WHERE rule = ?",
      {name});
  Rule r = DefaultRule(name);
  if (!row) return r;
  if (!row->IsNull(0)) r.fingerprint_labels = StrArray(row->OptStr(0));
  r.required_labels = StrArray(row->OptStr(1));
  r.merge_window_s = row->Int(2);
  r.min_confidence = row->Real(3);
  r.min_duration_s = row->Int(4);
  r.rate_limit_per_min = row->Int(5);
  r.raise_count = row->Int(6);
  r.raise_window_s = row->Int(7);
  return r;
}

std::vector<Outcome> Ingest(db::Conn& c, const std::vector<Incoming>& batch,
                            std::optional<int64_t> posted_by, int64_t now) {
  BatchCache cache;
  LoadSilences(c, cache, now);
  std::vector<Outcome> out;
  out.reserve(batch.size());
  for (const auto& in : batch)
    out.push_back(IngestOne(c, cache, in, posted_by, now));
  return out;
}

boost::json::object OutcomeJson(const Outcome& o) {
  boost::json::object j;
  j["event_id"] = OptJson(o.event_id);
  j["alert_id"] = OptJson(o.alert_id);
  j["merged"] = o.merged;
  j["filtered"] = o.filtered ? boost::json::value(*o.filtered) : boost::json::value(false);
  j["silenced"] = o.silenced;
  j["notify"] = o.notify;
  j["resolved"] = o.resolved;
  if (!o.level.empty()) j["level"] = o.level;
  return j;
}

// ---- reads ------------------------------------------------------------------

const std::vector<std::pair<std::string_view, std::string_view>>& AlertSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> all = {
      {"last_seen", "a.last_seen"},
      {"first_seen", "a.first_seen"},
      {"count", "a.count"},
      {"level", "a.level"},
      {"id", "a.id"}};
  return all;
}

std::optional<Alert> FindAlert(db::Conn& c, int64_t id) {
  auto row =
      c.QueryOne(std::string("SELECT ") + kAlertColumns + " FROM alerts a WHERE a.id = ?", {id});
  if (!row) return std::nullopt;
  return AlertFrom(*row);
}

Alert GetAlertInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto a = FindAlert(c, id);
  if (!a || !scope.Contains(a->org_unit_id)) throw NotFound("alert");
  return *a;
}

namespace {

db::Where AlertWhere(const auth::AccessScope& scope, const AlertFilter& f) {
  db::Where where;
  scope.Apply(where, "a.org_unit_id");
  if (f.rule) where.Add("a.rule = ?", {*f.rule});
  if (f.status) where.Add("a.status = ?", {*f.status});
  if (f.level) where.Add("a.level = ?", {*f.level});
  if (f.source) where.Add("a.source = ?", {*f.source});
  if (f.fingerprint) where.Add("a.fingerprint = ?", {*f.fingerprint});
  if (f.active) {
    where.Add(*f.active ? "a.status IN ('open','acknowledged')" : "a.status = 'resolved'");
  }
  if (f.org_unit_id) {
    where.Add(
        "a.org_unit_id IN (SELECT d.id FROM org_units d, org_units r "
        "WHERE r.id = ? AND d.path LIKE r.path || '%')",
        {*f.org_unit_id});
  }
  return where;
}

}  // namespace

ListResult ListAlerts(db::Conn& c, const auth::AccessScope& scope, const AlertFilter& f,
                      const db::Page& page) {
  const db::Where where = AlertWhere(scope, f);
  ListResult out;
  out.total = c.QueryInt("SELECT COUNT(*) FROM alerts a" + where.Sql(), where.params()).value_or(0);
  auto rows =
      c.Query(std::string("SELECT ") + kAlertColumns + " FROM alerts a" + where.Sql() + page.Sql(),
              page.Bind(where.params()));
  for (const auto& r : rows)
    out.items.push_back(AlertFrom(r));
  return out;
}

std::vector<Alert> ActiveAlerts(db::Conn& c, const auth::AccessScope& scope, int64_t limit) {
  AlertFilter f;
  f.active = true;
  const db::Where where = AlertWhere(scope, f);
  db::Params params = where.params();
  params.push_back(limit);
  std::vector<Alert> out;
  for (const auto& r : c.Query(std::string("SELECT ") + kAlertColumns + " FROM alerts a" +
                                   where.Sql() + " ORDER BY a.last_seen DESC, a.id DESC LIMIT ?",
                               params))
    out.push_back(AlertFrom(r));
  return out;
}

boost::json::object ToJson(const Alert& a) {
  boost::json::object j;
  j["id"] = a.id;
  j["fingerprint"] = a.fingerprint;
  j["rule"] = a.rule;
  j["source"] = a.source;
  j["level"] = a.level;
  j["base_level"] = a.base_level;
  j["status"] = a.status;
  j["resolution"] = OptJson(a.resolution);
  j["reject_reason"] = OptJson(a.reject_reason);
  j["hazard_id"] = OptJson(a.hazard_id);
  j["count"] = a.count;
  j["first_seen"] = FormatRfc3339(a.first_seen);
  j["last_seen"] = FormatRfc3339(a.last_seen);
  j["org_unit_id"] = a.org_unit_id;
  j["area_id"] = OptJson(a.area_id);
  j["point_id"] = OptJson(a.point_id);
  j["camera_id"] = OptJson(a.camera_id);
  j["labels"] = ParseOr(a.labels, boost::json::object());
  j["annotations"] = ParseOr(a.annotations, boost::json::object());
  j["latest_event_id"] = OptJson(a.latest_event_id);
  j["latest_payload"] = ParseOr(a.latest_payload, boost::json::object());
  j["latest_file_ids"] = ParseOr(a.latest_file_ids, boost::json::array());
  j["latest_confidence"] =
      a.latest_confidence ? boost::json::value(*a.latest_confidence) : boost::json::value(nullptr);
  j["silenced"] = a.silenced;
  j["acknowledged_by"] = OptJson(a.acknowledged_by);
  j["acknowledged_at"] = OptTimeJson(a.acknowledged_at);
  j["resolved_by"] = OptJson(a.resolved_by);
  j["resolved_at"] = OptTimeJson(a.resolved_at);
  j["version"] = a.version;
  j["created_at"] = FormatRfc3339(a.created_at);
  j["updated_at"] = FormatRfc3339(a.updated_at);
  return j;
}

boost::json::object DetailJson(db::Conn& c, const Alert& a) {
  boost::json::object j = ToJson(a);
  boost::json::array history;
  for (const auto& r :
       c.Query("SELECT h.action, h.from_status, h.to_status, h.level, h.actor_id, u.display_name, "
               "h.note, h.at FROM alert_history h LEFT JOIN users u ON u.id = h.actor_id "
               "WHERE h.alert_id = ? ORDER BY h.id",
               {a.id})) {
    boost::json::object h;
    h["action"] = r.Str(0);
    h["from_status"] = OptJson(r.OptStr(1));
    h["to_status"] = r.Str(2);
    h["level"] = r.Str(3);
    h["actor_id"] = OptJson(r.OptInt(4));
    h["actor_name"] = OptJson(r.OptStr(5));
    h["note"] = r.Str(6);
    h["at"] = FormatRfc3339(r.Int(7));
    history.push_back(std::move(h));
  }
  j["history"] = std::move(history);
  boost::json::array events;
  for (const auto& r :
       c.Query("SELECT id, level, occurred_at, received_at, confidence, file_ids, silenced "
               "FROM events WHERE alert_id = ? ORDER BY id DESC LIMIT 20",
               {a.id})) {
    boost::json::object e;
    e["id"] = r.Int(0);
    e["level"] = r.Str(1);
    e["occurred_at"] = FormatRfc3339(r.Int(2));
    e["received_at"] = FormatRfc3339(r.Int(3));
    e["confidence"] = r.IsNull(4) ? boost::json::value(nullptr) : boost::json::value(r.Real(4));
    e["file_ids"] = ParseOr(r.Str(5), boost::json::array());
    e["silenced"] = r.Bool(6);
    events.push_back(std::move(e));
  }
  j["recent_events"] = std::move(events);
  return j;
}

// ---- actions ----------------------------------------------------------------

namespace {

void CheckActive(const Alert& a) {
  if (a.status == "resolved") {
    boost::json::object details;
    details["state"] = a.status;
    throw Conflict("invalid_transition", "告警已处理 / the alert is already resolved", details);
  }
}

void CheckVersion(const Alert& a, int64_t version) {
  if (version != a.version) throw org::VersionConflict();
}

}  // namespace

void CheckToHazard(const Alert& a, int64_t version) {
  CheckVersion(a, version);
  CheckActive(a);
}

std::pair<Alert, Alert> TakeAction(db::Conn& c, const auth::Principal& who,
                                   const auth::AccessScope& scope, int64_t id,
                                   const std::string& action, Body& body, int64_t now) {
  const Alert before = GetAlertInScope(c, scope, id);
  if (action != "acknowledge" && action != "resolve" && action != "reject") {
    throw NotFound("action");
  }
  auto version = body.Int("version", true);
  auto note = body.Str("note", false, 2000);
  std::optional<std::string> reason;
  if (action == "reject") reason = body.Str("reason", true, 500);
  if (reason && reason->empty()) body.Fail("reason", "请填写原因 / a reason is required");
  body.Done({"version", "note", "reason"});
  CheckVersion(before, *version);
  CheckActive(before);

  if (action == "acknowledge") {
    if (before.status != "open") {
      boost::json::object details;
      details["state"] = before.status;
      throw Conflict("invalid_transition", "告警已确认 / already acknowledged", details);
    }
    c.Exec(
        "UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, "
        "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        {who.user_id, now, now, id, *version});
  } else {
    const std::string resolution = action == "reject" ? "rejected" : "source_resolved";
    c.Exec(
        "UPDATE alerts SET status = 'resolved', resolution = ?, reject_reason = ?, "
        "resolved_by = ?, resolved_at = ?, version = version + 1, updated_at = ? "
        "WHERE id = ? AND version = ?",
        {resolution, db::Opt(reason), who.user_id, now, now, id, *version});
  }
  const Alert after = *FindAlert(c, id);
  AppendHistory(c, id, action, before.status, after.status, after.level, who.user_id,
                reason.value_or(note.value_or("")), now);
  return {before, after};
}

Alert LinkHazard(db::Conn& c, const auth::Principal& who, const Alert& a, int64_t hazard_id,
                 int64_t now) {
  c.Exec(
      "UPDATE alerts SET status = 'resolved', resolution = 'hazard', hazard_id = ?, "
      "resolved_by = ?, resolved_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
      {hazard_id, who.user_id, now, now, a.id});
  AppendHistory(c, a.id, "to_hazard", a.status, "resolved", a.level, who.user_id,
                "hazard " + std::to_string(hazard_id), now);
  return *FindAlert(c, a.id);
}

// ---- silences ---------------------------------------------------------------

namespace {

constexpr const char* kSilenceColumns =
    "s.id, s.matchers, s.starts_at, s.ends_at, s.creator_id, u.display_name, s.reason, "
    "s.org_unit_id, s.expired_by, s.version, s.created_at, s.updated_at";

SilenceRow SilenceFrom(const db::Row& r) {
  SilenceRow s;
  s.silence = Silence{r.Int(0), ParseMatchers(r.Str(1)), r.Int(2), r.Int(3)};
  s.matchers_json = r.Str(1);
  s.creator_id = r.Int(4);
  s.creator_name = r.Str(5);
  s.reason = r.Str(6);
  s.org_unit_id = r.Int(7);
  s.expired_by = r.OptInt(8);
  s.version = r.Int(9);
  s.created_at = r.Int(10);
  s.updated_at = r.Int(11);
  return s;
}

std::optional<SilenceRow> FindSilence(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(std::string("SELECT ") + kSilenceColumns +
                            " FROM silences s LEFT JOIN users u ON u.id = s.creator_id "
                            "WHERE s.id = ?",
                        {id});
  if (!row) return std::nullopt;
  return SilenceFrom(*row);
}

}  // namespace

boost::json::object SilenceJson(const SilenceRow& s, int64_t now) {
  boost::json::object j;
  j["id"] = s.silence.id;
  j["matchers"] = ParseOr(s.matchers_json, boost::json::array());
  j["starts_at"] = FormatRfc3339(s.silence.starts_at);
  j["ends_at"] = FormatRfc3339(s.silence.ends_at);
  j["active"] = SilenceActive(s.silence, now);
  j["state"] = SilenceActive(s.silence, now) ? "active"
               : now < s.silence.starts_at   ? "pending"
                                             : "expired";
  j["creator_id"] = s.creator_id;
  j["creator_name"] = s.creator_name;
  j["reason"] = s.reason;
  j["org_unit_id"] = s.org_unit_id;
  j["expired_by"] = OptJson(s.expired_by);
  j["version"] = s.version;
  j["created_at"] = FormatRfc3339(s.created_at);
  j["updated_at"] = FormatRfc3339(s.updated_at);
  return j;
}

SilenceRow CreateSilence(db::Conn& c, const auth::Principal& who, const auth::AccessScope& scope,
                         Body& body, int64_t now) {
  boost::json::array matchers;
  const boost::json::value* raw = body.Raw("matchers");
  if (!raw || !raw->is_array() || raw->as_array().empty()) {
    body.Fail("matchers", "至少一个匹配条件 / at least one matcher");
  } else {
    for (const auto& m : raw->as_array()) {
      const auto* o = m.if_object();
      const auto* name = o ? o->if_contains("name") : nullptr;
      const auto* value = o ? o->if_contains("value") : nullptr;
      const auto* eq = o ? o->if_contains("is_equal") : nullptr;
      if (!name || !name->is_string() || name->as_string().empty() || !value ||
          !value->is_string() || (eq && !eq->is_bool())) {
        body.Fail("matchers", "匹配条件应为 {name, value, is_equal} / invalid matcher");
        break;
      }
      boost::json::object x;
      x["name"] = name->as_string();
      x["value"] = value->as_string();
      x["is_equal"] = eq ? eq->as_bool() : true;
      matchers.push_back(std::move(x));
    }
  }
  const int64_t starts_at = body.Time("starts_at").value_or(now);
  const auto ends_at = body.Time("ends_at", true);
  const auto reason = body.Str("reason", true, 500);
  if (reason && reason->empty()) body.Fail("reason", "请填写原因 / a reason is required");
  if (ends_at && *ends_at <= starts_at) body.Fail("ends_at", "应晚于开始 / must follow starts_at");
  const int64_t unit = body.Int("org_unit_id").value_or(who.org_unit_id);
  if (!scope.Contains(unit) || !c.QueryInt("SELECT id FROM org_units WHERE id = ?", {unit})) {
    body.Fail("org_unit_id", "单位不存在 / org unit not found");
  }
  body.Done({"matchers", "starts_at", "ends_at", "reason", "org_unit_id"});
  const int64_t id = c.Insert(
      "INSERT INTO silences (matchers, starts_at, ends_at, creator_id, reason, org_unit_id, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {boost::json::serialize(matchers), starts_at, *ends_at, who.user_id, *reason, unit, now,
       now});
  return *FindSilence(c, id);
}

std::vector<SilenceRow> ListSilences(db::Conn& c, const auth::AccessScope& scope,
                                     std::optional<bool> active, int64_t now) {
  db::Where where;
  scope.Apply(where, "s.org_unit_id");
  if (active) {
    if (*active)
      where.Add("s.starts_at <= ? AND s.ends_at > ?", {now, now});
    else
      where.Add("(s.starts_at > ? OR s.ends_at <= ?)", {now, now});
  }
  std::vector<SilenceRow> out;
  for (const auto& r : c.Query(std::string("SELECT ") + kSilenceColumns +
                                   " FROM silences s LEFT JOIN users u ON u.id = s.creator_id" +
                                   where.Sql() + " ORDER BY s.id DESC LIMIT 500",
                               where.params()))
    out.push_back(SilenceFrom(r));
  return out;
}

std::pair<SilenceRow, SilenceRow> ExpireSilence(db::Conn& c, const auth::Principal& who,
                                                const auth::AccessScope& scope, int64_t id,
                                                int64_t now) {
  auto before = FindSilence(c, id);
  if (!before || !scope.Contains(before->org_unit_id)) throw NotFound("silence");
  if (before->silence.ends_at > now) {
    c.Exec(
        "UPDATE silences SET ends_at = ?, starts_at = CASE WHEN starts_at > ? THEN ? ELSE "
        "starts_at END, expired_by = ?, version = version + 1, updated_at = ? WHERE id = ?",
        {now, now, now, who.user_id, now, id});
  }
  return {*before, *FindSilence(c, id)};
}

}  // namespace anxun::alert
