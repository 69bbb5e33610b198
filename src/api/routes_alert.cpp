// HTTP routes of events and alerts: batch intake (ours and Alertmanager's
// shape), the alert list and detail, the people's actions (acknowledge,
// resolve, reject, to_hazard) and silences. Each intake batch is one Write, so
// a 2xx answer means every event of it is durable. Alerts and silences
// outside the caller's scope answer 404.
#include "alert/groups.h"
#include "alert/store.h"
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "hazard/hazards.h"
#include "hazard/workflow.h"

#include <map>

namespace anxun::api {
namespace {

using http::Response;

constexpr size_t kMaxBatch = 1000;
constexpr int64_t kMaxLabelText = 1000;

std::optional<std::string> QueryText(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

void CheckEnum(const std::optional<std::string>& v, std::string_view key,
               const std::vector<std::string_view>& allowed) {
  if (v && !hazard::IsOneOf(allowed, *v)) {
    FieldErrors errors;
    errors.Add(key, "未知取值 / unknown value");
    errors.ThrowIfAny();
  }
}

void Audit(db::Conn& c, const Context& ctx, std::string action, std::string type, int64_t id,
           boost::json::value before, boost::json::value after) {
  audit::Append(c, ctx.actor(),
                {std::move(action), std::move(type), std::to_string(id), std::move(before),
                 std::move(after)});
}

// ---- event parsing ------------------------------------------------------------

std::string ScalarText(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}

std::optional<int64_t> IntOf(const boost::json::value* v) {
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return std::nullopt;
}

// Where an event happened, checked against the poster's event.post scope; a
// point or area names its unit. Caches lookups for one batch.
class Locator {
 public:
  Locator(db::Conn& c, const auth::AccessScope& scope) : c_(c), scope_(scope) {}

  bool UnitOk(int64_t id) {
    if (!scope_.Contains(id)) return false;
    auto it = units_.find(id);
    if (it == units_.end())
      it = units_.emplace(id, c_.QueryInt("SELECT id FROM org_units WHERE id = ?", {id})).first;
    return it->second.has_value();
  }
  std::optional<std::pair<int64_t, std::optional<int64_t>>> Point(int64_t id) {
    auto it = points_.find(id);
    if (it == points_.end()) {
      auto row = c_.QueryOne("SELECT org_unit_id, area_id FROM points WHERE id = ?", {id});
      std::optional<std::pair<int64_t, std::optional<int64_t>>> v;
      if (row) v.emplace(row->Int(0), row->OptInt(1));
      it = points_.emplace(id, v).first;
    }
    return it->second;
  }
  std::optional<int64_t> AreaUnit(int64_t id) {
    auto it = areas_.find(id);
    if (it == areas_.end())
      it =
          areas_.emplace(id, c_.QueryInt("SELECT org_unit_id FROM areas WHERE id = ?", {id})).first;
    return it->second;
  }

 private:
  db::Conn& c_;
  const auth::AccessScope& scope_;
  std::map<int64_t, std::optional<int64_t>> units_;
  std::map<int64_t, std::optional<std::pair<int64_t, std::optional<int64_t>>>> points_;
  std::map<int64_t, std::optional<int64_t>> areas_;
};

// Resolves and checks the event's location; errors go to `errors` under `at`.
void Locate(Locator& loc, alert::Event& e, std::optional<int64_t> unit, FieldErrors& errors,
            const std::string& at, int64_t default_unit) {
  e.org_unit_id = unit.value_or(default_unit);
  if (e.area_id) {
    auto area_unit = loc.AreaUnit(*e.area_id);
    if (!area_unit || !loc.UnitOk(*area_unit)) {
      errors.Add(at + "area_id", "区域不存在 / area not found");
      return;
    }
    e.org_unit_id = *area_unit;
  }
  if (e.point_id) {
    auto point = loc.Point(*e.point_id);
    if (!point || !loc.UnitOk(point->first)) {
      errors.Add(at + "point_id", "巡检点不存在 / point not found");
      return;
    }
    e.org_unit_id = point->first;
    if (!e.area_id) e.area_id = point->second;
  }
  if (!loc.UnitOk(e.org_unit_id)) errors.Add(at + "org_unit_id", "单位不存在 / org unit not found");
}

alert::Incoming ParseEvent(const boost::json::value& v, const std::string& at, Locator& loc,
                           FieldErrors& errors, int64_t default_unit, int64_t now) {
  alert::Incoming in;
  alert::Event& e = in.event;
  const auto* o = v.if_object();
  if (!o) {
    errors.Add(at.substr(0, at.size() - 1), "应为对象 / must be an object");
    return in;
  }
  static const std::vector<std::string_view> kAllowed = {
      "source",      "rule",   "level",   "org_unit_id", "area_id",  "point_id",   "camera_id",
      "occurred_at", "labels", "payload", "confidence",  "file_ids", "annotations"};
  for (const auto& kv : *o) {
    if (!hazard::IsOneOf(kAllowed, kv.key()))
      errors.Add(at + std::string(kv.key()), "unknown field");
  }
  auto str = [&](std::string_view key, bool required) -> std::string {
    const auto* x = o->if_contains(key);
    if (!x || x->is_null()) {
      if (required) errors.Add(at + std::string(key), "必填 / required");
      return "";
    }
    if (!x->is_string() || x->as_string().empty() || x->as_string().size() > 200) {
      errors.Add(at + std::string(key), "应为 1–200 字符的文本 / must be text of 1–200 characters");
      return "";
    }
    return std::string(x->as_string());
  };
  e.source = str("source", true);
  e.rule = str("rule", true);
  e.level = str("level", true);
  if (!e.level.empty() && !alert::IsLevel(e.level)) {
    errors.Add(at + "level", "未知取值 / unknown value");
  }
  auto opt_int = [&](std::string_view key) -> std::optional<int64_t> {
    const auto* x = o->if_contains(key);
    auto n = IntOf(x);
    if (x && !x->is_null() && !n)
      errors.Add(at + std::string(key), "应为整数 / must be an integer");
    return n;
  };
  const auto unit = opt_int("org_unit_id");
  e.area_id = opt_int("area_id");
  e.point_id = opt_int("point_id");
  if (const auto* x = o->if_contains("camera_id"); x && !x->is_null()) {
    e.camera_id = ScalarText(*x);
  }
  e.occurred_at = now;
  if (const auto* x = o->if_contains("occurred_at"); x && !x->is_null()) {
    auto t = x->is_string() ? ParseRfc3339(x->as_string()) : std::nullopt;
    if (!t)
      errors.Add(at + "occurred_at", "应为 RFC 3339 时间 / must be an RFC 3339 instant");
    else
      e.occurred_at = *t;
  }
  if (const auto* x = o->if_contains("labels"); x && !x->is_null()) {
    if (!x->is_object()) {
      errors.Add(at + "labels", "应为对象 / must be an object");
    } else {
      for (const auto& kv : x->as_object()) {
        std::string text = ScalarText(kv.value());
        if (text.size() > kMaxLabelText) text.resize(kMaxLabelText);
        e.labels[std::string(kv.key())] = std::move(text);
      }
    }
  }
  if (const auto* x = o->if_contains("payload"); x && !x->is_null()) {
    e.payload = boost::json::serialize(*x);
  }
  if (const auto* x = o->if_contains("annotations"); x && !x->is_null()) {
    if (!x->is_object())
      errors.Add(at + "annotations", "应为对象 / must be an object");
    else
      e.annotations = boost::json::serialize(*x);
  }
  if (const auto* x = o->if_contains("confidence"); x && !x->is_null()) {
    if (!x->is_number() || x->to_number<double>() < 0 || x->to_number<double>() > 1) {
      errors.Add(at + "confidence", "应在 0 到 1 之间 / must be within 0..1");
    } else {
      e.confidence = x->to_number<double>();
    }
  }
  if (const auto* x = o->if_contains("file_ids"); x && !x->is_null()) {
    bool ok = x->is_array();
    if (ok)
      for (const auto& f : x->as_array())
        ok = ok && IntOf(&f).has_value();
    if (!ok)
      errors.Add(at + "file_ids", "应为整数数组 / must be an array of integers");
    else
      e.file_ids = boost::json::serialize(*x);
  }
  Locate(loc, e, unit, errors, at, default_unit);
  return in;
}

// Alertmanager's severity label → our level. L1..L4 is the grading plants
// use on their SCADA and video systems (Ⅰ级 most severe).
std::string LevelOfSeverity(const std::string& severity) {
  if (severity == "L1" || severity == "l1") return "major";
  if (severity == "L2" || severity == "l2") return "serious";
  if (severity == "L3" || severity == "l3") return "general";
  if (severity == "L4" || severity == "l4") return "minor";
  if (severity == "critical") return "major";
  if (severity == "error" || severity == "high") return "serious";
  if (severity == "info" || severity == "low") return "minor";
  if (alert::IsLevel(severity)) return severity;
  return "general";  // warning and anything else
}

alert::Incoming ParseAlertmanager(db::Conn& c, const boost::json::value& v, const std::string& at,
                                  Locator& loc, FieldErrors& errors, int64_t default_unit,
                                  int64_t now) {
  alert::Incoming in;
  alert::Event& e = in.event;
  const auto* o = v.if_object();
  const auto* labels = o ? o->if_contains("labels") : nullptr;
  if (!labels || !labels->is_object()) {
    errors.Add(at + "labels", "必填 / required");
    return in;
  }
  for (const auto& kv : labels->as_object())
    e.labels[std::string(kv.key())] = ScalarText(kv.value());
  auto take = [&](std::string_view key) -> std::optional<std::string> {
    auto it = e.labels.find(key);
    if (it == e.labels.end()) return std::nullopt;
    return it->second;
  };
  e.rule = take("alertname").value_or("");
  if (e.rule.empty()) errors.Add(at + "labels.alertname", "必填 / required");
  e.level = LevelOfSeverity(take("severity").value_or("warning"));
  e.source = take("source").value_or("prometheus");
  std::optional<int64_t> unit;
  auto as_int = [&](std::string_view key) -> std::optional<int64_t> {
    auto t = take(key);
    if (!t) return std::nullopt;
    try {
      size_t used = 0;
      int64_t n = std::stoll(*t, &used);
      if (used == t->size()) return n;
    } catch (const std::exception&) {
    }
    errors.Add(at + "labels." + std::string(key), "应为整数 / must be an integer");
    return std::nullopt;
  };
  unit = as_int("org_unit_id");
  if (!unit) {
    if (auto code = take("org_unit")) {
      unit = c.QueryInt("SELECT id FROM org_units WHERE code = ?", {*code});
      if (!unit) errors.Add(at + "labels.org_unit", "单位不存在 / org unit not found");
    }
  }
  e.area_id = as_int("area_id");
  e.point_id = as_int("point_id");
  e.camera_id = take("camera_id");
  if (const auto* x = o->if_contains("annotations"); x && x->is_object()) {
    e.annotations = boost::json::serialize(*x);
  }
  boost::json::object payload;
  if (const auto* x = o->if_contains("generatorURL"); x && x->is_string()) {
    payload["generatorURL"] = *x;
  }
  e.payload = boost::json::serialize(payload);
  e.occurred_at = now;
  if (const auto* x = o->if_contains("startsAt"); x && x->is_string() && !x->as_string().empty()) {
    auto t = ParseRfc3339(x->as_string());
    if (!t)
      errors.Add(at + "startsAt", "应为 RFC 3339 时间 / must be an RFC 3339 instant");
    else
      in.held_since = std::min(*t, now);
  }
  if (const auto* x = o->if_contains("endsAt"); x && x->is_string() && !x->as_string().empty()) {
    auto t = ParseRfc3339(x->as_string());
    // Alertmanager's zero time means "no end".
    if (t && *t > 0 && *t <= now) in.resolved_by_source = true;
  }
  Locate(loc, e, unit, errors, at, default_unit);
  return in;
}

const boost::json::array& BatchArray(const boost::json::value& v, std::string_view field) {
  if (!v.is_array()) {
    FieldErrors errors;
    errors.Add(field, "应为数组 / must be an array");
    errors.ThrowIfAny();
  }
  const auto& a = v.as_array();
  if (a.empty() || a.size() > kMaxBatch) {
    FieldErrors errors;
    errors.Add(field, "应有 1 到 1000 个 / must hold 1 to 1000 items");
    errors.ThrowIfAny();
  }
  return a;
}

template <class Parse>
std::vector<alert::Outcome> IngestBatch(Context& ctx, const boost::json::array& items,
                                        std::string_view field, Parse parse) {
  const auth::Principal& user = ctx.user();
  const auth::AccessScope& scope = user.Require("event.post");
  const int64_t now = NowMs();
  return ctx.app.db->Write([&](db::Conn& c) {
    Locator loc(c, scope);
    FieldErrors errors;
    std::vector<alert::Incoming> batch;
    batch.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string at = std::string(field) + "[" + std::to_string(i) + "].";
      batch.push_back(parse(c, items[i], at, loc, errors, user.org_unit_id, now));
    }
    errors.ThrowIfAny();
    return alert::Ingest(c, batch, user.user_id, now);
  });
}

Response PostEvents(Context& ctx) {
  ctx.user().Require("event.post");
  auto body = ParseJsonObject(ctx.req.body);
  for (const auto& kv : body) {
    if (kv.key() != "events") {
      FieldErrors errors;
      errors.Add(kv.key(), "unknown field");
      errors.ThrowIfAny();
    }
  }
  const auto* events = body.if_contains("events");
  static const boost::json::value kMissing;
  const auto& items = BatchArray(events ? *events : kMissing, "events");
  auto outcomes = IngestBatch(ctx, items, "events",
                              [](db::Conn&, const boost::json::value& v, const std::string& at,
                                 Locator& loc, FieldErrors& errors, int64_t unit, int64_t now) {
                                return ParseEvent(v, at, loc, errors, unit, now);
                              });
  boost::json::array results;
  int64_t filtered = 0;
  for (const auto& o : outcomes) {
    if (o.filtered) ++filtered;
    results.push_back(alert::OutcomeJson(o));
  }
  boost::json::object out;
  out["accepted"] = static_cast<int64_t>(outcomes.size());
  out["filtered"] = filtered;
  out["results"] = std::move(results);
  return Response::Json(out, 201);
}

Response PostAlertmanager(Context& ctx) {
  ctx.user().Require("event.post");
  boost::system::error_code ec;
  auto v = boost::json::parse(ctx.req.body, ec);
  if (ec) throw BadRequest("invalid_json", "请求体不是有效的 JSON / body is not valid JSON");
  const auto& items = BatchArray(v, "alerts");
  auto outcomes = IngestBatch(ctx, items, "alerts", ParseAlertmanager);
  boost::json::array results;
  for (const auto& o : outcomes)
    results.push_back(alert::OutcomeJson(o));
  boost::json::object out;
  out["accepted"] = static_cast<int64_t>(outcomes.size());
  out["results"] = std::move(results);
  return Response::Json(out, 200);
}

// ---- alerts ---------------------------------------------------------------------

const std::vector<std::string_view>& Statuses() {
  static const std::vector<std::string_view> v = {"open", "acknowledged", "resolved"};
  return v;
}

Response ListAlerts(Context& ctx) {
  const auto& scope = ctx.user().Require("alert.view");
  alert::AlertFilter f;
  f.rule = QueryText(ctx.req, "rule");
  f.status = QueryText(ctx.req, "status");
  CheckEnum(f.status, "status", Statuses());
  f.level = QueryText(ctx.req, "level");
  CheckEnum(f.level, "level", alert::Levels());
  f.source = QueryText(ctx.req, "source");
  f.fingerprint = QueryText(ctx.req, "fingerprint");
  f.org_unit_id = QueryInt(ctx.req, "org_unit_id");
  f.active = QueryBool(ctx.req, "active");
  const db::Page page = ParsePage(ctx.req, alert::AlertSortFields(), "a.last_seen DESC", "a.id");
  auto result = ctx.app.db->Read([&](db::Conn& c) { return alert::ListAlerts(c, scope, f, page); });
  boost::json::array items;
  for (const auto& a : result.items)
    items.push_back(alert::ToJson(a));
  return Response::Json(ListBody(std::move(items), result.total, page));
}

Response GetAlert(Context& ctx) {
  const auto& scope = ctx.user().Require("alert.view");
  const int64_t id = ctx.req.IdParam();
  auto json = ctx.app.db->Read(
      [&](db::Conn& c) { return alert::DetailJson(c, alert::GetAlertInScope(c, scope, id)); });
  return Response::Json(json);
}

// Turns the alert into a hazard through the hazard module, prefilled with the
// alert's location and latest evidence; a person decides (never automatic).
alert::Alert ToHazard(db::Conn& c, Context& ctx, const alert::Alert& a, Body& body, int64_t now) {
  const auth::Principal& user = ctx.user();
  auto version = body.Int("version", true);
  auto title = body.Str("title", false, 200);
  auto description = body.Str("description", false, 4000);
  auto category = body.Str("category");
  auto level = body.Str("level");
  auto kind = body.Str("kind");
  body.Done({"version", "title", "description", "category", "level", "kind"});
  alert::CheckToHazard(a, *version);

  boost::json::object h;
  std::string rule_name = a.rule;
  if (auto row = c.QueryOne("SELECT name FROM alert_rules WHERE rule = ?", {a.rule});
      row && !row->Str(0).empty()) {
    rule_name = row->Str(0);
  }
  h["title"] = title.value_or(rule_name);
  h["description"] = description.value_or(
      "由告警 #" + std::to_string(a.id) + " 转入 / from alert " + std::to_string(a.id) + " (" +
      a.rule + ", " + std::to_string(a.count) + "×, " + FormatRfc3339(a.first_seen) + " – " +
      FormatRfc3339(a.last_seen) + ")");
  h["level"] = level.value_or(a.level);
  if (category) h["category"] = *category;
  if (kind) h["kind"] = *kind;
  h["source"] = hazard::IsOneOf(hazard::Sources(), a.source) ? a.source : "adhoc";
  h["source_ref"] = "alert:" + std::to_string(a.id);
  h["org_unit_id"] = a.org_unit_id;
  if (a.area_id) h["area_id"] = *a.area_id;
  if (a.point_id) h["point_id"] = *a.point_id;
  if (a.camera_id) h["location_text"] = "camera " + *a.camera_id;
  h["found_at"] = FormatRfc3339(std::min(a.first_seen, now));
  boost::system::error_code ec;
  auto files = boost::json::parse(a.latest_file_ids, ec);
  if (!ec && files.is_array() && !files.as_array().empty()) h["file_ids"] = files;

  Body hb(std::move(h));
  const hazard::ReportResult r = hazard::ReportHazard(c, user, hb);
  Audit(c, ctx, "hazard.report", "hazard", r.hazard.id, nullptr, hazard::ToJson(r.hazard, 0));
  return alert::LinkHazard(c, user, a, r.hazard.id, now);
}

Response AlertAction(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("alert.view");
  const auto& scope = user.Require("alert.handle");
  const int64_t id = ctx.req.IdParam();
  const std::string action = ctx.req.Param("action");
  Body body(ParseJsonObject(ctx.req.body));
  const int64_t now = NowMs();
  auto after = ctx.app.db->Write([&](db::Conn& c) {
    if (action == "to_hazard") {
      const alert::Alert before = alert::GetAlertInScope(c, scope, id);
      alert::Alert a = ToHazard(c, ctx, before, body, now);
      Audit(c, ctx, "alert.to_hazard", "alert", id, alert::ToJson(before), alert::ToJson(a));
      return a;
    }
    auto [before, a] = alert::TakeAction(c, user, scope, id, action, body, now);
    Audit(c, ctx, "alert." + action, "alert", id, alert::ToJson(before), alert::ToJson(a));
    return a;
  });
  auto json = ctx.app.db->Read([&](db::Conn& c) { return alert::DetailJson(c, after); });
  return Response::Json(json);
}

// ---- Alertmanager's read shape ---------------------------------------------------

Response AlertGroups(Context& ctx) {
  const auto& scope = ctx.user().Require("alert.view");
  std::optional<alert::LabelFilter> filter;
  if (auto text = ctx.req.Query("filter")) {
    filter = alert::ParseLabelFilter(*text);
    if (!filter) {
      FieldErrors errors;
      errors.Add("filter", "格式应为 name=\"value\" / expected name=\"value\"");
      errors.ThrowIfAny();
    }
  }
  std::string body = ctx.app.db->Read(
      [&](db::Conn& c) { return alert::ActiveAlertGroupsJson(c, scope, filter); });
  return Response::Bytes(std::move(body), "application/json; charset=utf-8");
}

// ---- silences ----------------------------------------------------------------------

Response ListSilences(Context& ctx) {
  const auto& scope = ctx.user().Require("alert.view");
  const auto active = QueryBool(ctx.req, "active");
  const int64_t now = NowMs();
  auto rows =
      ctx.app.db->Read([&](db::Conn& c) { return alert::ListSilences(c, scope, active, now); });
  boost::json::array items;
  for (const auto& s : rows)
    items.push_back(alert::SilenceJson(s, now));
  boost::json::object out;
  out["total"] = static_cast<int64_t>(items.size());
  out["items"] = std::move(items);
  return Response::Json(out);
}

Response CreateSilence(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require("alert.handle");
  Body body(ParseJsonObject(ctx.req.body));
  const int64_t now = NowMs();
  auto s = ctx.app.db->Write([&](db::Conn& c) {
    auto row = alert::CreateSilence(c, user, scope, body, now);
    Audit(c, ctx, "silence.create", "silence", row.silence.id, nullptr,
          alert::SilenceJson(row, now));
    return row;
  });
  return Response::Json(alert::SilenceJson(s, now), 201);
}

Response ExpireSilence(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require("alert.handle");
  const int64_t id = ctx.req.IdParam();
  const int64_t now = NowMs();
  auto s = ctx.app.db->Write([&](db::Conn& c) {
    auto [before, after] = alert::ExpireSilence(c, user, scope, id, now);
    Audit(c, ctx, "silence.expire", "silence", id, alert::SilenceJson(before, now),
          alert::SilenceJson(after, now));
    return after;
  });
  return Response::Json(alert::SilenceJson(s, now));
}

}  // namespace

void RegisterAlertRoutes(http::Router& r) {
  r.Add("POST", "/api/v1/events", PostEvents, "Post a batch of events (up to 1000)", "alert")
      .upload = true;
  r.Add("GET", "/api/v1/alerts", ListAlerts, "List alerts in scope", "alert");
  r.Add("GET", "/api/v1/alerts/{id}", GetAlert, "Get an alert with history and recent events",
        "alert");
  r.Add("POST", "/api/v1/alerts/{id}/actions/{action}", AlertAction,
        "Acknowledge, resolve, reject or turn an alert into a hazard", "alert");
  r.Add("GET", "/api/v1/silences", ListSilences, "List silences in scope", "alert");
  r.Add("POST", "/api/v1/silences", CreateSilence, "Create a silence", "alert");
  r.Add("POST", "/api/v1/silences/{id}/expire", ExpireSilence, "End a silence now", "alert");
  r.Add("POST", "/api/v2/alerts", PostAlertmanager, "Alertmanager-compatible alert intake", "alert")
      .upload = true;
  r.Add("GET", "/api/v2/alerts/groups", AlertGroups, "Active alerts in Alertmanager's group shape",
        "alert");
}

}  // namespace anxun::api
