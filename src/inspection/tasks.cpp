#include "inspection/tasks.h"

#include "common/clock.h"
#include "common/crypto.h"
#include "common/error.h"
#include "org/points.h"
#include "org/qr.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace anxun::inspection {
namespace {

namespace json = boost::json;

constexpr const char* kSelectTask =
    "SELECT t.id, t.plan_id, t.org_unit_id, t.title, t.start_at, t.due_at, t.grace_until, "
    "t.status, t.late, t.urgent, t.template_version_id, t.started_at, t.completed_at, "
    "t.cancel_reason, t.version, t.created_at FROM tasks t";

// The JSON of each task row, with its points and assignees loaded for the
// whole page in two queries.
std::vector<json::object> TasksJson(db::Conn& c, const db::Rows& rows) {
  std::vector<int64_t> ids;
  for (const auto& r : rows)
    ids.push_back(r.Int(0));
  std::map<int64_t, json::array> points, point_ids, assignees;
  if (!ids.empty()) {
    db::Where w;
    w.In("tp.task_id", ids);
    for (const auto& p :
         c.Query("SELECT tp.task_id, tp.seq, tp.point_id, p.code, p.name, tp.checked_in_at, "
                 "tp.result_at FROM task_points tp JOIN points p ON p.id = tp.point_id" +
                     w.Sql() + " ORDER BY tp.task_id, tp.seq",
                 w.params())) {
      point_ids[p.Int(0)].push_back(p.Int(2));
      points[p.Int(0)].push_back(json::object{{"seq", p.Int(1)},
                                              {"point_id", p.Int(2)},
                                              {"code", p.Str(3)},
                                              {"name", p.Str(4)},
                                              {"checked_in_at", OptTimeJson(p.OptInt(5))},
                                              {"result_at", OptTimeJson(p.OptInt(6))}});
    }
    db::Where a;
    a.In("task_id", ids);
    for (const auto& r : c.Query(
             "SELECT task_id, user_id FROM task_assignees" + a.Sql() + " ORDER BY task_id, user_id",
             a.params())) {
      assignees[r.Int(0)].push_back(r.Int(1));
    }
  }
  std::vector<json::object> out;
  for (const auto& r : rows) {
    const int64_t id = r.Int(0);
    out.push_back({{"id", id},
                   {"plan_id", OptJson(r.OptInt(1))},
                   {"org_unit_id", r.Int(2)},
                   {"title", r.Str(3)},
                   {"start", FormatRfc3339(r.Int(4))},
                   {"due", FormatRfc3339(r.Int(5))},
                   {"grace_until", FormatRfc3339(r.Int(6))},
                   {"status", r.Str(7)},
                   {"late", r.Bool(8)},
                   {"urgent", r.Bool(9)},
                   {"template_version_id", OptJson(r.OptInt(10))},
                   {"started_at", OptTimeJson(r.OptInt(11))},
                   {"completed_at", OptTimeJson(r.OptInt(12))},
                   {"cancel_reason", OptJson(r.OptStr(13))},
                   {"version", r.Int(14)},
                   {"created_at", FormatRfc3339(r.Int(15))},
                   {"point_ids", std::move(point_ids[id])},
                   {"points", std::move(points[id])},
                   {"assignee_ids", std::move(assignees[id])}});
  }
  return out;
}

// Restricts `where` to the tasks `user` may see.
void ApplyVisibility(db::Where& where, const auth::Principal& user) {
  if (user.Can("task.manage")) {
    const auth::AccessScope& scope = user.Require("task.manage");
    if (scope.all) return;
    std::vector<int64_t> units(scope.unit_ids.begin(), scope.unit_ids.end());
    std::string in = "(t.org_unit_id IN (";
    db::Params params;
    for (size_t i = 0; i < units.size(); ++i) {
      in += i ? ", ?" : "?";
      params.push_back(units[i]);
    }
    if (units.empty()) in += "NULL";
    in += ") OR EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id AND a.user_id = ?))";
    params.push_back(user.user_id);
    where.Add(in, params);
    return;
  }
  where.Add("EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id AND a.user_id = ?)",
            {user.user_id});
}

struct TaskRow {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::string status;
  int64_t start_at = 0;
  int64_t due_at = 0;
  int64_t grace_until = 0;
};

TaskRow LoadVisibleTask(db::Conn& c, const auth::Principal& user, int64_t id) {
  if (!CanSeeTask(c, user, id)) throw NotFound("task");
  auto r = c.QueryOne(
      "SELECT id, org_unit_id, status, start_at, due_at, grace_until FROM tasks WHERE id = ?",
      {id});
  return {r->Int(0), r->Int(1), r->Str(2), r->Int(3), r->Int(4), r->Int(5)};
}

ApiError Rejected(std::string code, std::string message) {
  return ApiError(422, std::move(code), std::move(message));
}

// The instant the work counts as done: the device's clock, but never later
// than the server received it (and never before the epoch of the task's window
// minus a day, which would be a back-dated record).
int64_t EffectiveTime(std::optional<int64_t> device_time, int64_t now, const TaskRow& t) {
  if (!device_time) return now;
  return std::clamp(*device_time, t.start_at - 24 * kHourMs, now);
}

// Checks the item may touch `t` at `point_id` at time `when`; returns the seq.
void CheckExecutable(db::Conn& c, const TaskRow& t, int64_t point_id, int64_t when) {
  if (t.status == "cancelled") throw Rejected("task_cancelled", "任务已取消 / task cancelled");
  if (t.status == "completed") {
    // Further answers for a completed task are still kept (corrections); nothing to check.
  }
  if (t.status == "missed" && when > t.grace_until) {
    throw Rejected("task_missed", "任务已漏检关闭 / the task's window has closed");
  }
  if (!c.QueryInt("SELECT seq FROM task_points WHERE task_id = ? AND point_id = ?",
                  {t.id, point_id})) {
    throw Rejected("point_not_in_task", "该点不属于此任务 / the point is not part of the task");
  }
}

// Moves the task forward after a check-in or result at `when`.
void Advance(db::Conn& c, const TaskRow& t, int64_t when, int64_t now) {
  if (t.status == "pending") {
    c.Exec(
        "UPDATE tasks SET status = 'in_progress', started_at = ?, version = version + 1, "
        "updated_at = ? WHERE id = ? AND status = 'pending'",
        {when, now, t.id});
  }
  const int64_t open = c.QueryInt(
                            "SELECT COUNT(*) FROM task_points WHERE task_id = ? AND "
                            "(checked_in_at IS NULL OR result_at IS NULL)",
                            {t.id})
                           .value_or(1);
  if (open > 0 || t.status == "completed" || t.status == "cancelled") return;
  const bool late = when > t.due_at;
  c.Exec(
      "UPDATE tasks SET status = 'completed', completed_at = ?, late = ?, "
      "started_at = COALESCE(started_at, ?), version = version + 1, updated_at = ? "
      "WHERE id = ?",
      {when, int64_t{late}, when, now, t.id});
  if (late) {
    c.Exec(
        "INSERT INTO task_flags (task_id, kind, org_unit_id, created_at) VALUES "
        "(?, 'late', ?, ?)",
        {t.id, t.org_unit_id, now});
  }
}

json::object ApplyCheckIn(db::Conn& c, const auth::Principal& user, Body& b,
                          const std::string& client_id, const std::string& qr_key, int64_t now) {
  const int64_t task_id = b.Int("task_id", true).value_or(0);
  const int64_t point_id = b.Int("point_id", true).value_or(0);
  const std::string method = b.Str("method", true).value_or("");
  const auto payload = b.Str("payload", false, 500);
  const auto nfc_uid = b.Str("nfc_uid", false, 64);
  const auto lat = b.Real("latitude");
  const auto lon = b.Real("longitude");
  const auto accuracy = b.Real("accuracy_m");
  const auto reason = b.Str("reason", false, 500);
  const auto device_time = b.Time("device_time");
  if (!method.empty() && method != "qr" && method != "nfc" && method != "gps" &&
      method != "manual") {
    b.Fail("method", "应为 qr、nfc、gps 或 manual");
  }
  b.Done({"client_id", "kind", "task_id", "point_id", "method", "payload", "nfc_uid", "latitude",
          "longitude", "accuracy_m", "reason", "device_time"});

  const TaskRow t = LoadVisibleTask(c, user, task_id);
  const int64_t when = EffectiveTime(device_time, now, t);
  CheckExecutable(c, t, point_id, when);
  const auto point = org::FindPoint(c, point_id);
  if (!point) throw NotFound("point");

  std::string evidence;
  std::optional<double> distance;
  bool flagged = false;
  if (method == "qr") {
    const auto code = org::VerifyPointPayload(qr_key, payload.value_or(""));
    if (!code || *code != point->code) {
      throw Rejected("qr_invalid", "二维码无效或不是该点的 / QR code invalid or of another point");
    }
    evidence = *payload;
  } else if (method == "nfc") {
    const auto uid = org::NormalizeNfcUid(nfc_uid.value_or(""));
    if (!uid || !point->nfc_uid || *uid != *point->nfc_uid) {
      throw Rejected("nfc_mismatch", "NFC 标签不是该点的 / NFC tag does not belong to the point");
    }
    evidence = *uid;
  } else if (method == "gps") {
    if (!lat || !lon) throw Rejected("gps_missing", "缺少位置 / latitude and longitude required");
    if (!point->latitude || !point->longitude) {
      throw Rejected("gps_unavailable", "该点没有登记位置 / the point has no position");
    }
    distance = DistanceMeters(*lat, *lon, *point->latitude, *point->longitude);
    const double radius = point->radius_m.value_or(50.0);
    if (*distance > radius) {
      throw Rejected("too_far", "距离该点过远 / too far from the point (" +
                                    std::to_string(static_cast<int>(*distance)) + " m)");
    }
  } else {
    if (!reason || reason->empty()) {
      throw Rejected("reason_required", "手动打卡需要说明原因 / manual check-in needs a reason");
    }
    flagged = true;
  }

  const int64_t id = c.Insert(
      "INSERT INTO check_ins (task_id, point_id, user_id, method, evidence, latitude, longitude, "
      "accuracy_m, distance_m, flagged, reason, device_time, server_time, client_id) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {task_id, point_id, user.user_id, method, evidence, db::Opt(lat), db::Opt(lon),
       db::Opt(accuracy), db::Opt(distance), int64_t{flagged}, db::Opt(reason),
       db::Opt(device_time), now, client_id});
  c.Exec(
      "UPDATE task_points SET checked_in_at = COALESCE(checked_in_at, ?) "
      "WHERE task_id = ? AND point_id = ?",
      {when, task_id, point_id});
  if (flagged) {
    c.Exec(
        "INSERT INTO task_flags (task_id, kind, org_unit_id, detail, created_at) VALUES "
        "(?, 'manual_check_in', ?, ?, ?)",
        {task_id, t.org_unit_id, *reason, now});
  }
  Advance(c, t, when, now);
  json::object out{{"check_in_id", id},
                   {"task_id", task_id},
                   {"point_id", point_id},
                   {"method", method},
                   {"flagged", flagged}};
  if (distance) out["distance_m"] = *distance;
  return out;
}

// What a point's answers mean under the task's checklist version: which items
// fail (pass_fail answered "fail", a number outside [min, max], a choice or
// custom pass/fail option marked failing) and what their on_fail asks for. Without a template,
// any answer "fail" counts as failing.
struct Judgement {
  bool abnormal = false;
  json::array failing;
  json::array notes_required;
  json::array propose_hazard;
};

json::object AnswerMap(const json::value& answers) {
  if (answers.is_object()) return answers.as_object();
  json::object out;
  for (const auto& a : answers.as_array()) {
    if (!a.is_object()) continue;
    const auto* k = a.as_object().if_contains("key");
    const auto* v = a.as_object().if_contains("value");
    if (k && k->is_string() && v) out[k->as_string()] = *v;
  }
  return out;
}

bool Failing(const json::object& item, const json::value& v) {
  const std::string kind = item.contains("kind") && item.at("kind").is_string()
                               ? std::string(item.at("kind").as_string())
                               : "";
  if (v.is_string() && v.as_string() == "fail") return true;
  if (kind == "number" && (v.is_number())) {
    const double x = v.to_number<double>();
    const auto* lo = item.if_contains("min");
    const auto* hi = item.if_contains("max");
    if (lo && lo->is_number() && x < lo->to_number<double>()) return true;
    if (hi && hi->is_number() && x > hi->to_number<double>()) return true;
  }
  // A pass/fail item may carry its own answer set (up to 5, coloured), marked alike.
  if ((kind == "choice" || kind == "multi_choice" || kind == "pass_fail") &&
      item.contains("options") && item.at("options").is_array()) {
    for (const auto& o : item.at("options").as_array()) {
      if (!o.is_object()) continue;
      const auto* value = o.as_object().if_contains("value");
      const auto* failing = o.as_object().if_contains("failing");
      if (!value || !failing || !failing->is_bool() || !failing->as_bool()) continue;
      if (*value == v) return true;
      if (v.is_array()) {
        for (const auto& e : v.as_array()) {
          if (e == *value) return true;
        }
      }
    }
  }
  return false;
}

Judgement Judge(db::Conn& c, int64_t task_id, const json::value& answers) {
  Judgement j;
  const json::object map = AnswerMap(answers);
  auto body = c.QueryOne(
      "SELECT v.body_json FROM tasks t JOIN checklist_template_versions v "
      "ON v.id = t.template_version_id WHERE t.id = ?",
      {task_id});
  if (!body) {
    for (const auto& kv : map) {
      if (kv.value().is_string() && kv.value().as_string() == "fail") {
        j.abnormal = true;
        j.failing.emplace_back(kv.key());
      }
    }
    return j;
  }
  const json::value sections = json::parse(body->Str(0));
  for (const auto& sec : sections.as_array()) {
    for (const auto& iv : sec.as_object().at("items").as_array()) {
      const json::object& item = iv.as_object();
      const json::string key = item.at("key").as_string();
      const auto* v = map.if_contains(key);
      if (!v || !Failing(item, *v)) continue;
      j.failing.emplace_back(key);
      const auto* on_fail = item.if_contains("on_fail");
      auto flag = [&](std::string_view name) {
        if (!on_fail || !on_fail->is_object()) return name == "mark_abnormal";
        const auto* f = on_fail->as_object().if_contains(name);
        return f && f->is_bool() && f->as_bool();
      };
      if (flag("mark_abnormal")) j.abnormal = true;
      if (flag("require_note")) j.notes_required.emplace_back(key);
      if (flag("propose_hazard")) j.propose_hazard.emplace_back(key);
    }
  }
  return j;
}

json::object ApplyResult(db::Conn& c, const auth::Principal& user, Body& b,
                         const std::string& client_id, int64_t now) {
  const int64_t task_id = b.Int("task_id", true).value_or(0);
  const int64_t point_id = b.Int("point_id", true).value_or(0);
  const json::value* answers = b.Raw("answers");
  if (!answers || !(answers->is_object() || answers->is_array())) {
    b.Fail("answers", "应为对象或数组 / must be an object or array");
  }
  const auto note = b.Str("note", false, 2000);
  const auto abnormal_flag = b.Bool("abnormal");
  const auto device_time = b.Time("device_time");
  b.Done(
      {"client_id", "kind", "task_id", "point_id", "answers", "note", "abnormal", "device_time"});

  const TaskRow t = LoadVisibleTask(c, user, task_id);
  const int64_t when = EffectiveTime(device_time, now, t);
  CheckExecutable(c, t, point_id, when);

  const Judgement j = Judge(c, t.id, *answers);
  if (!j.notes_required.empty() && (!note || note->empty())) {
    throw ApiError(422, "note_required", "不合格项需要填写说明 / a failing answer needs a note",
                   json::object{{"items", j.notes_required}});
  }
  const bool abnormal = abnormal_flag.value_or(false) || j.abnormal;
  const int64_t id = c.Insert(
      "INSERT INTO task_results (task_id, point_id, user_id, answers_json, abnormal, note, "
      "device_time, server_time, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {task_id, point_id, user.user_id, json::serialize(*answers), int64_t{abnormal},
       note.value_or(""), db::Opt(device_time), now, client_id});
  c.Exec("UPDATE task_points SET result_at = ? WHERE task_id = ? AND point_id = ?",
         {when, task_id, point_id});
  Advance(c, t, when, now);
  return {{"result_id", id},      {"task_id", task_id},   {"point_id", point_id},
          {"abnormal", abnormal}, {"failing", j.failing}, {"propose_hazard", j.propose_hazard}};
}

}  // namespace

double DistanceMeters(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadius = 6371008.8;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

bool IsTaskStatus(std::string_view status) {
  return status == "pending" || status == "in_progress" || status == "completed" ||
         status == "missed" || status == "cancelled";
}

json::object ListTaskFlags(db::Conn& c, const auth::AccessScope& scope,
                           const std::optional<std::string>& kind, bool unconsumed_only,
                           const db::Page& page) {
  db::Where where;
  scope.Apply(where, "f.org_unit_id");
  if (kind) where.Add("f.kind = ?", {*kind});
  if (unconsumed_only) where.Add("f.consumed_at IS NULL");
  json::array items;
  for (const auto& r :
       c.Query("SELECT f.id, f.task_id, f.kind, f.org_unit_id, f.detail, f.created_at, "
               "f.consumed_at, t.title, t.plan_id, t.start_at, t.due_at FROM task_flags f "
               "JOIN tasks t ON t.id = f.task_id" +
                   where.Sql() + page.Sql(),
               page.Bind(where.params()))) {
    items.push_back(json::object{{"id", r.Int(0)},
                                 {"task_id", r.Int(1)},
                                 {"kind", r.Str(2)},
                                 {"org_unit_id", r.Int(3)},
                                 {"detail", r.Str(4)},
                                 {"created_at", FormatRfc3339(r.Int(5))},
                                 {"consumed_at", OptTimeJson(r.OptInt(6))},
                                 {"title", r.Str(7)},
                                 {"plan_id", OptJson(r.OptInt(8))},
                                 {"start", FormatRfc3339(r.Int(9))},
                                 {"due", FormatRfc3339(r.Int(10))}});
  }
  const int64_t total =
      c.QueryInt("SELECT COUNT(*) FROM task_flags f" + where.Sql(), where.params()).value_or(0);
  return {{"items", std::move(items)},
          {"total", total},
          {"page", page.page},
          {"page_size", page.page_size}};
}

const std::vector<std::pair<std::string_view, std::string_view>>& TaskSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"id", "t.id"}, {"start", "t.start_at"}, {"due", "t.due_at"}, {"status", "t.status"}};
  return fields;
}

bool CanSeeTask(db::Conn& c, const auth::Principal& user, int64_t task_id) {
  db::Where where;
  where.Add("t.id = ?", {task_id});
  ApplyVisibility(where, user);
  return c.QueryInt("SELECT COUNT(*) FROM tasks t" + where.Sql(), where.params()).value_or(0) > 0;
}

json::object ListTasks(db::Conn& c, const auth::Principal& user, const TaskFilter& f,
                       const db::Page& page) {
  db::Where where;
  ApplyVisibility(where, user);
  if (f.status) where.Add("t.status = ?", {*f.status});
  if (f.plan_id) where.Add("t.plan_id = ?", {*f.plan_id});
  if (f.from) where.Add("t.start_at >= ?", {*f.from});
  if (f.to) where.Add("t.start_at < ?", {*f.to});
  if (f.assignee_id) {
    where.Add("EXISTS (SELECT 1 FROM task_assignees f WHERE f.task_id = t.id AND f.user_id = ?)",
              {*f.assignee_id});
  }
  json::array items;
  for (auto& o : TasksJson(c, c.Query(std::string(kSelectTask) + where.Sql() + page.Sql(),
                                      page.Bind(where.params())))) {
    items.push_back(std::move(o));
  }
  const int64_t total =
      c.QueryInt("SELECT COUNT(*) FROM tasks t" + where.Sql(), where.params()).value_or(0);
  return {{"items", std::move(items)},
          {"total", total},
          {"page", page.page},
          {"page_size", page.page_size}};
}

json::object GetTaskJson(db::Conn& c, const auth::Principal& user, int64_t id) {
  if (!CanSeeTask(c, user, id)) throw NotFound("task");
  auto row = c.QueryOne(std::string(kSelectTask) + " WHERE t.id = ?", {id});
  if (!row) throw NotFound("task");
  json::object out = std::move(TasksJson(c, db::Rows{*row}).front());
  json::array check_ins;
  for (const auto& r :
       c.Query("SELECT id, point_id, user_id, method, flagged, reason, distance_m, accuracy_m, "
               "device_time, server_time FROM check_ins WHERE task_id = ? ORDER BY id",
               {id})) {
    json::object o{{"id", r.Int(0)},
                   {"point_id", r.Int(1)},
                   {"user_id", r.Int(2)},
                   {"method", r.Str(3)},
                   {"flagged", r.Bool(4)},
                   {"reason", OptJson(r.OptStr(5))},
                   {"device_time", OptTimeJson(r.OptInt(8))},
                   {"server_time", FormatRfc3339(r.Int(9))}};
    o["distance_m"] = r.IsNull(6) ? json::value(nullptr) : json::value(r.Real(6));
    o["accuracy_m"] = r.IsNull(7) ? json::value(nullptr) : json::value(r.Real(7));
    check_ins.push_back(std::move(o));
  }
  json::array results;
  for (const auto& r : c.Query(
           "SELECT id, point_id, user_id, answers_json, abnormal, note, device_time, server_time "
           "FROM task_results WHERE task_id = ? ORDER BY id",
           {id})) {
    results.push_back(json::object{{"id", r.Int(0)},
                                   {"point_id", r.Int(1)},
                                   {"user_id", r.Int(2)},
                                   {"answers", json::parse(r.Str(3))},
                                   {"abnormal", r.Bool(4)},
                                   {"note", r.Str(5)},
                                   {"device_time", OptTimeJson(r.OptInt(6))},
                                   {"server_time", FormatRfc3339(r.Int(7))}});
  }
  out["check_ins"] = std::move(check_ins);
  out["results"] = std::move(results);
  return out;
}

constexpr const char* kSelectChecklistVersion =
    "SELECT v.template_id, t.name, v.version_no, v.body_json FROM checklist_template_versions v "
    "JOIN checklist_templates t ON t.id = v.template_id WHERE v.id = ?";

void AddExecutionDetail(db::Conn& c, json::object& task, std::string_view qr_key) {
  task["checklist"] = nullptr;
  if (const auto* v = task.if_contains("template_version_id"); v && v->is_int64()) {
    if (auto row = c.QueryOne(kSelectChecklistVersion, {v->as_int64()})) {
      task["checklist"] = json::object{{"template_id", row->Int(0)},
                                       {"name", row->Str(1)},
                                       {"version_no", row->Int(2)},
                                       {"sections", json::parse(row->Str(3))}};
    }
  }

  auto opt_real = [](const std::optional<double>& x) {
    return x ? json::value(*x) : json::value(nullptr);
  };
  for (auto& pv : task["points"].as_array()) {
    json::object& p = pv.as_object();
    const auto point = org::FindPoint(c, p.at("point_id").as_int64());
    if (!point) continue;
    p["latitude"] = opt_real(point->latitude);
    p["longitude"] = opt_real(point->longitude);
    p["radius_m"] = opt_real(point->radius_m);
    p["nfc_uid"] = OptJson(point->nfc_uid);
    p["qr_sha256"] = Sha256Hex(org::SignPointCode(qr_key, point->code));
  }
}

AdHocInput ReadAdHocInput(Body& b) {
  AdHocInput in;
  in.title = b.Str("title", true).value_or("");
  in.org_unit_id = b.Int("org_unit_id");
  in.point_ids = b.IntList("point_ids", true).value_or(std::vector<int64_t>{});
  in.assignee_ids = b.IntList("assignee_ids", true).value_or(std::vector<int64_t>{});
  in.template_id = b.Int("template_id");
  in.start = b.Time("start");
  in.duration_minutes = b.Int("duration_minutes").value_or(60);
  in.grace_minutes = b.Int("grace_minutes").value_or(0);
  in.urgent = b.Bool("urgent").value_or(true);
  b.Done({"title", "org_unit_id", "point_ids", "assignee_ids", "template_id", "start",
          "duration_minutes", "grace_minutes", "urgent"});
  return in;
}

int64_t CreateAdHocTask(db::Conn& c, const auth::AccessScope& scope, const AdHocInput& in,
                        int64_t user_id, int64_t now) {
  FieldErrors errors;
  if (in.title.empty()) errors.Add("title", "不能为空 / required");
  if (in.duration_minutes < 1 || in.duration_minutes > 7 * 24 * 60) {
    errors.Add("duration_minutes", "应为 1 至 10080 分钟 / must be 1..10080");
  }
  if (in.grace_minutes < 0 || in.grace_minutes > 7 * 24 * 60) {
    errors.Add("grace_minutes", "应为 0 至 10080 分钟 / must be 0..10080");
  }
  std::optional<int64_t> unit = in.org_unit_id;
  if (in.point_ids.empty()) errors.Add("point_ids", "不能为空 / required");
  if (std::set<int64_t>(in.point_ids.begin(), in.point_ids.end()).size() != in.point_ids.size()) {
    errors.Add("point_ids", "点重复 / duplicate points");
  }
  for (int64_t id : in.point_ids) {
    auto row = c.QueryOne("SELECT org_unit_id, active FROM points WHERE id = ?", {id});
    if (!row || !row->Bool(1) || !scope.Contains(row->Int(0))) {
      errors.Add("point_ids", "巡检点不存在或不可用 / unknown point " + std::to_string(id));
      break;
    }
    if (!unit) unit = row->Int(0);
  }
  if (in.assignee_ids.empty()) errors.Add("assignee_ids", "不能为空 / required");
  for (int64_t id : in.assignee_ids) {
    auto row = c.QueryOne("SELECT org_unit_id, active FROM users WHERE id = ?", {id});
    if (!row || !row->Bool(1) || !scope.Contains(row->Int(0))) {
      errors.Add("assignee_ids", "用户不存在或不可用 / unknown user " + std::to_string(id));
      break;
    }
  }
  if (unit && !scope.Contains(*unit)) errors.Add("org_unit_id", "不在你的范围内 / out of scope");
  std::optional<int64_t> version_id;
  if (in.template_id) {
    version_id = c.QueryInt(
        "SELECT v.id FROM checklist_template_versions v JOIN checklist_templates t ON "
        "t.id = v.template_id AND v.version_no = t.latest_version WHERE t.id = ? AND "
        "t.active = 1",
        {*in.template_id});
    if (!version_id) errors.Add("template_id", "检查表不存在 / unknown template");
  }
  errors.ThrowIfAny();

  const int64_t start = in.start.value_or(now);
  const int64_t due = start + in.duration_minutes * kMinuteMs;
  const int64_t id = c.Insert(
      "INSERT INTO tasks (plan_id, org_unit_id, title, occurrence_start, start_at, due_at, "
      "grace_until, status, urgent, template_version_id, created_by, created_at, updated_at) "
      "VALUES (NULL, ?, ?, NULL, ?, ?, ?, 'pending', ?, ?, ?, ?, ?) RETURNING id",
      {*unit, in.title, start, due, due + in.grace_minutes * kMinuteMs, int64_t{in.urgent},
       db::Opt(version_id), user_id, now, now});
  int64_t seq = 0;
  for (int64_t p : in.point_ids) {
    c.Exec("INSERT INTO task_points (task_id, seq, point_id) VALUES (?, ?, ?)", {id, ++seq, p});
  }
  std::set<int64_t> users(in.assignee_ids.begin(), in.assignee_ids.end());
  for (int64_t u : users) {
    c.Exec("INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)", {id, u});
  }
  return id;
}

void CancelTask(db::Conn& c, const auth::AccessScope& scope, int64_t id, const std::string& reason,
                int64_t now) {
  auto row = c.QueryOne("SELECT org_unit_id, status FROM tasks WHERE id = ?", {id});
  if (!row || !scope.Contains(row->Int(0))) throw NotFound("task");
  if (reason.empty()) {
    FieldErrors e;
    e.Add("reason", "不能为空 / required");
    e.ThrowIfAny();
  }
  const std::string status = row->Str(1);
  if (status != "pending" && status != "in_progress") {
    throw Conflict("invalid_state", "任务已结束 / the task is already " + status);
  }
  c.Exec(
      "UPDATE tasks SET status = 'cancelled', cancel_reason = ?, version = version + 1, "
      "updated_at = ? WHERE id = ?",
      {reason, now, id});
}

void ReassignTask(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                  const std::vector<int64_t>& assignee_ids, const std::string& reason) {
  auto row = c.QueryOne("SELECT org_unit_id, status FROM tasks WHERE id = ?", {id});
  if (!row || !scope.Contains(row->Int(0))) throw NotFound("task");
  FieldErrors errors;
  if (reason.empty()) errors.Add("reason", "不能为空 / required");
  if (assignee_ids.empty()) errors.Add("assignee_ids", "不能为空 / required");
  for (int64_t u : assignee_ids) {
    auto user = c.QueryOne("SELECT org_unit_id, active FROM users WHERE id = ?", {u});
    if (!user || !user->Bool(1) || !scope.Contains(user->Int(0))) {
      errors.Add("assignee_ids", "用户不存在或不可用 / unknown user " + std::to_string(u));
      break;
    }
  }
  errors.ThrowIfAny();
  const std::string status = row->Str(1);
  if (status != "pending" && status != "in_progress") {
    throw Conflict("invalid_state", "任务已结束 / the task is already " + status);
  }
  c.Exec("DELETE FROM task_assignees WHERE task_id = ?", {id});
  for (int64_t u : std::set<int64_t>(assignee_ids.begin(), assignee_ids.end())) {
    c.Exec("INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)", {id, u});
  }
  c.Exec("UPDATE tasks SET version = version + 1, updated_at = ? WHERE id = ?", {NowMs(), id});
}

std::optional<json::object> StoredSyncOutcome(db::Conn& c, int64_t user_id,
                                              std::string_view client_id) {
  auto row = c.QueryOne("SELECT user_id, outcome_json FROM sync_items WHERE client_id = ?",
                        {std::string(client_id)});
  if (!row) return std::nullopt;
  if (row->Int(0) != user_id) {
    throw Rejected("client_id_taken", "client_id 已被使用 / client_id already used");
  }
  json::object o = json::parse(row->Str(1)).as_object();
  o["status"] = "duplicate";
  return o;
}

json::object ApplySyncItem(db::Conn& c, const auth::Principal& user, const json::object& item,
                           const std::string& qr_key, int64_t now) {
  Body b(item);
  const std::string client_id = b.Str("client_id", true, 100).value_or("");
  const std::string kind = b.Str("kind", true).value_or("");
  if (client_id.empty() || kind.empty()) b.Done();
  if (auto prior = StoredSyncOutcome(c, user.user_id, client_id)) return *prior;

  json::object out;
  if (kind == "check_in") {
    user.Require("task.execute");
    out = ApplyCheckIn(c, user, b, client_id, qr_key, now);
  } else if (kind == "result") {
    user.Require("task.execute");
    out = ApplyResult(c, user, b, client_id, now);
  } else {
    throw Rejected("unsupported_kind", "不支持的类型 / unsupported kind: " + kind);
  }
  out["client_id"] = client_id;
  out["kind"] = kind;
  out["status"] = "stored";
  out["server_time"] = FormatRfc3339(now);
  c.Exec(
      "INSERT INTO sync_items (client_id, user_id, kind, outcome_json, received_at) VALUES "
      "(?, ?, ?, ?, ?)",
      {client_id, user.user_id, kind, json::serialize(out), now});
  return out;
}

}  // namespace anxun::inspection
