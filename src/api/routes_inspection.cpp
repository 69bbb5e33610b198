// HTTP routes of the inspection module: checklist templates, routes, plans
// (with their occurrences), tasks and the offline sync. Handlers check the
// permission, read the body, call src/inspection inside one Read or Write and
// audit every change in the same Write. Records outside the caller's scope
// answer 404 like missing ones.
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "db/db.h"
#include "inspection/generator.h"
#include "inspection/plans.h"
#include "inspection/recurrence.h"
#include "inspection/tasks.h"
#include "org/qr.h"

#include <algorithm>
#include <map>

namespace anxun::api {
namespace {

namespace json = boost::json;
namespace insp = inspection;
using http::Response;

constexpr size_t kMaxSyncItems = 200;
constexpr int64_t kMaxOccurrences = 100;

void Audit(db::Conn& c, const Context& ctx, std::string action, std::string type, int64_t id,
           json::value before, json::value after) {
  audit::Append(c, ctx.actor(),
                {std::move(action), std::move(type), std::to_string(id), std::move(before),
                 std::move(after)});
}

std::optional<std::string> QueryText(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

const SortFields& SimpleSort() {
  static const SortFields fields = {{"id", "id"}, {"name", "name"}};
  return fields;
}

// ---- checklist templates --------------------------------------------------

Response ListTemplates(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  const db::Page page =
      ParsePage(ctx.req, {{"id", "t.id"}, {"name", "t.name"}}, "t.name ASC", "t.id");
  return Response::Json(
      ctx.app.db->Read([&](db::Conn& c) { return insp::ListTemplates(c, scope, page); }));
}

Response CreateTemplate(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  Body body(ParseJsonObject(ctx.req.body));
  const insp::TemplateInput in = insp::ReadTemplateInput(body);
  auto t = ctx.app.db->Write([&](db::Conn& c) {
    auto out = insp::CreateTemplate(c, scope, in, ctx.user().user_id);
    Audit(c, ctx, "checklist_template.create", "checklist_template", out.id, nullptr,
          insp::ToJson(out));
    return out;
  });
  return Response::Json(insp::ToJson(t), 201);
}

Response GetTemplate(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  const int64_t id = ctx.req.IdParam();
  const int64_t version_no = QueryInt(ctx.req, "version").value_or(0);
  auto t = ctx.app.db->Read(
      [&](db::Conn& c) { return insp::GetTemplateInScope(c, scope, id, version_no); });
  return Response::Json(insp::ToJson(t));
}

Response PatchTemplate(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const insp::TemplatePatch patch = insp::ReadTemplatePatch(body);
  auto t = ctx.app.db->Write([&](db::Conn& c) {
    const auto before = insp::GetTemplateInScope(c, scope, id);
    auto after = insp::UpdateTemplate(c, scope, id, patch, ctx.user().user_id);
    const bool published = after.latest_version != before.latest_version;
    Audit(c, ctx, published ? "checklist_template.publish" : "checklist_template.update",
          "checklist_template", id, insp::ToJson(before), insp::ToJson(after));
    return after;
  });
  return Response::Json(insp::ToJson(t));
}

// ---- routes -----------------------------------------------------------------

Response ListRoutes(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  const db::Page page = ParsePage(ctx.req, SimpleSort(), "name ASC");
  return Response::Json(
      ctx.app.db->Read([&](db::Conn& c) { return insp::ListRoutes(c, scope, page); }));
}

Response CreateRoute(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  Body body(ParseJsonObject(ctx.req.body));
  const insp::RouteInput in = insp::ReadRouteInput(body);
  auto r = ctx.app.db->Write([&](db::Conn& c) {
    auto out = insp::CreateRoute(c, scope, in);
    Audit(c, ctx, "route.create", "route", out.id, nullptr, insp::ToJson(out));
    return out;
  });
  return Response::Json(insp::ToJson(r), 201);
}

Response GetRoute(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  const int64_t id = ctx.req.IdParam();
  auto r = ctx.app.db->Read([&](db::Conn& c) { return insp::GetRouteInScope(c, scope, id); });
  return Response::Json(insp::ToJson(r));
}

Response PatchRoute(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const insp::RoutePatch patch = insp::ReadRoutePatch(body);
  auto r = ctx.app.db->Write([&](db::Conn& c) {
    const auto before = insp::GetRouteInScope(c, scope, id);
    auto after = insp::UpdateRoute(c, scope, id, patch);
    Audit(c, ctx, "route.update", "route", id, insp::ToJson(before), insp::ToJson(after));
    return after;
  });
  return Response::Json(insp::ToJson(r));
}

// ---- plans ------------------------------------------------------------------

Response ListPlans(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  insp::PlanFilter f;
  f.kind = QueryText(ctx.req, "kind");
  f.active = QueryBool(ctx.req, "active");
  f.org_unit_id = QueryInt(ctx.req, "org_unit_id");
  f.q = QueryText(ctx.req, "q");
  const db::Page page = ParsePage(ctx.req, insp::PlanSortFields(), "p.id ASC", "p.id");
  return Response::Json(
      ctx.app.db->Read([&](db::Conn& c) { return insp::ListPlans(c, scope, f, page); }));
}

Response CreatePlan(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  Body body(ParseJsonObject(ctx.req.body));
  const insp::PlanInput in = insp::ReadPlanInput(body);
  auto p = ctx.app.db->Write([&](db::Conn& c) {
    auto out = insp::CreatePlan(c, scope, in, ctx.user().user_id, NowMs());
    Audit(c, ctx, "plan.create", "plan", out.id, nullptr, insp::ToJson(out));
    return out;
  });
  return Response::Json(insp::ToJson(p), 201);
}

Response GetPlan(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  const int64_t id = ctx.req.IdParam();
  auto p = ctx.app.db->Read([&](db::Conn& c) { return insp::GetPlanInScope(c, scope, id); });
  return Response::Json(insp::ToJson(p));
}

Response PatchPlan(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const insp::PlanPatch patch = insp::ReadPlanPatch(body);
  auto p = ctx.app.db->Write([&](db::Conn& c) {
    const auto before = insp::GetPlanInScope(c, scope, id);
    auto after = insp::UpdatePlan(c, scope, id, patch);
    std::string verb = "update";
    if (before.active && !after.active) verb = "pause";
    if (!before.active && after.active) verb = "resume";
    Audit(c, ctx, "plan." + verb, "plan", id, insp::ToJson(before), insp::ToJson(after));
    return after;
  });
  return Response::Json(insp::ToJson(p));
}

int64_t CountParam(const http::Request& req, int64_t fallback) {
  const int64_t count = QueryInt(req, "count").value_or(fallback);
  if (count < 1 || count > kMaxOccurrences) {
    FieldErrors e;
    e.Add("count", "应为 1 至 100 / must be 1..100");
    e.ThrowIfAny();
  }
  return count;
}

json::object OccurrencesBody(const insp::Recurrence& r, int64_t from, int64_t count,
                             int64_t duration_ms, int64_t grace_ms, std::optional<int64_t> until) {
  json::array items;
  for (int64_t start : insp::NextOccurrences(r, from, static_cast<size_t>(count))) {
    if (until && start >= *until) break;
    items.push_back(json::object{{"start", FormatRfc3339(start)},
                                 {"due", FormatRfc3339(start + duration_ms)},
                                 {"grace_until", FormatRfc3339(start + duration_ms + grace_ms)}});
  }
  return {{"items", std::move(items)},
          {"description", insp::DescribeRule(r.rrule, r.dtstart, r.timezone)},
          {"timezone", r.timezone}};
}

Response PlanOccurrences(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  const int64_t id = ctx.req.IdParam();
  const int64_t from = QueryTime(ctx.req, "from").value_or(NowMs());
  const int64_t count = CountParam(ctx.req, 10);
  auto p = ctx.app.db->Read([&](db::Conn& c) { return insp::GetPlanInScope(c, scope, id); });
  return Response::Json(
      OccurrencesBody(p.recurrence(), from, count, p.DurationMs(), p.GraceMs(), p.effective_until));
}

// The editor's preview before saving: the rule in words and its next occurrences.
Response PreviewPlan(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.view");
  Body b(ParseJsonObject(ctx.req.body));
  const std::string rrule = b.Str("rrule", true, 500).value_or("");
  const int64_t dtstart = b.Time("dtstart", true).value_or(0);
  const auto unit = b.Int("org_unit_id");
  const auto exdates = b.StrList("exdates").value_or(std::vector<std::string>{});
  const int64_t duration = b.Int("duration_minutes").value_or(60);
  const int64_t grace = b.Int("grace_minutes").value_or(0);
  const int64_t count = b.Int("count").value_or(10);
  const auto from = b.Time("from");
  if (auto e = insp::RruleError(rrule); e && !rrule.empty()) b.Fail("rrule", *e);
  if (count < 1 || count > kMaxOccurrences) b.Fail("count", "应为 1 至 100 / must be 1..100");
  insp::Recurrence r;
  FieldErrors ex;
  insp::ParseExdates(exdates, r, &ex);
  if (!ex.empty()) b.Fail("exdates", "应为 RFC 3339 时间或 YYYY-MM-DD 日期");
  b.Done({"rrule", "dtstart", "org_unit_id", "exdates", "duration_minutes", "grace_minutes",
          "count", "from"});

  r.rrule = rrule;
  r.dtstart = dtstart;
  if (unit) {
    r.timezone = ctx.app.db->Read([&](db::Conn& c) {
      auto row = c.QueryOne("SELECT timezone FROM org_units WHERE id = ?", {*unit});
      if (!row || !scope.Contains(*unit)) throw NotFound("org unit");
      return row->Str(0);
    });
  }
  if (!insp::IsKnownTimezone(r.timezone)) {
    throw BadRequest("unknown_timezone", "单位时区未知 / unknown time zone");
  }
  return Response::Json(OccurrencesBody(r, from.value_or(dtstart), count, duration * kMinuteMs,
                                        grace * kMinuteMs, std::nullopt));
}

Response GeneratePlan(Context& ctx) {
  const auto& scope = ctx.user().Require("plan.edit");
  const int64_t id = ctx.req.IdParam();
  const int64_t now = NowMs();
  const int64_t horizon = QueryInt(ctx.req, "horizon_hours").value_or(48);
  if (horizon < 1 || horizon > 24 * 31) {
    FieldErrors e;
    e.Add("horizon_hours", "应为 1 至 744 / must be 1..744");
    e.ThrowIfAny();
  }
  const int64_t created = ctx.app.db->Write([&](db::Conn& c) {
    const auto plan = insp::GetPlanInScope(c, scope, id);
    if (!plan.active) throw Conflict("plan_paused", "计划已暂停 / the plan is paused");
    const int64_t n = insp::GenerateForPlan(c, plan, now, horizon * kHourMs);
    Audit(c, ctx, "plan.generate", "plan", id, nullptr, json::object{{"created", n}});
    return n;
  });
  return Response::Json(json::object{{"created", created}});
}

// ---- tasks ------------------------------------------------------------------

Response ListTasks(Context& ctx) {
  ctx.user().Require("task.view");
  insp::TaskFilter f;
  f.status = QueryText(ctx.req, "status");
  if (f.status && !insp::IsTaskStatus(*f.status)) {
    FieldErrors e;
    e.Add("status", "应为 pending、in_progress、completed、missed 或 cancelled");
    e.ThrowIfAny();
  }
  f.plan_id = QueryInt(ctx.req, "plan_id");
  f.from = QueryTime(ctx.req, "from");
  f.to = QueryTime(ctx.req, "to");
  f.assignee_id = QueryInt(ctx.req, "assignee_id");
  const db::Page page = ParsePage(ctx.req, insp::TaskSortFields(), "t.start_at ASC", "t.id");
  return Response::Json(
      ctx.app.db->Read([&](db::Conn& c) { return insp::ListTasks(c, ctx.user(), f, page); }));
}

Response GetTask(Context& ctx) {
  ctx.user().Require("task.view");
  const int64_t id = ctx.req.IdParam();
  const std::string qr_key = org::LoadQrKey(ctx.app.data_dir);
  return Response::Json(ctx.app.db->Read([&](db::Conn& c) {
    auto task = insp::GetTaskJson(c, ctx.user(), id);
    insp::AddExecutionDetail(c, task, qr_key);
    return task;
  }));
}

Response CreateTask(Context& ctx) {
  const auto& scope = ctx.user().Require("task.manage");
  Body body(ParseJsonObject(ctx.req.body));
  const insp::AdHocInput in = insp::ReadAdHocInput(body);
  auto task = ctx.app.db->Write([&](db::Conn& c) {
    const int64_t id = insp::CreateAdHocTask(c, scope, in, ctx.user().user_id, NowMs());
    auto out = insp::GetTaskJson(c, ctx.user(), id);
    Audit(c, ctx, "task.create", "task", id, nullptr, out);
    return out;
  });
  return Response::Json(task, 201);
}

Response CancelTask(Context& ctx) {
  const auto& scope = ctx.user().Require("task.manage");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const std::string reason = body.Str("reason", true, 500).value_or("");
  body.Done({"reason"});
  auto task = ctx.app.db->Write([&](db::Conn& c) {
    const auto before = insp::GetTaskJson(c, ctx.user(), id);
    insp::CancelTask(c, scope, id, reason, NowMs());
    auto after = insp::GetTaskJson(c, ctx.user(), id);
    Audit(c, ctx, "task.cancel", "task", id, before, after);
    return after;
  });
  return Response::Json(task);
}

Response ReassignTask(Context& ctx) {
  const auto& scope = ctx.user().Require("task.manage");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const auto assignees = body.IntList("assignee_ids", true).value_or(std::vector<int64_t>{});
  const std::string reason = body.Str("reason", true, 500).value_or("");
  body.Done({"assignee_ids", "reason"});
  auto task = ctx.app.db->Write([&](db::Conn& c) {
    auto before = insp::GetTaskJson(c, ctx.user(), id);
    insp::ReassignTask(c, scope, id, assignees, reason);
    auto after = insp::GetTaskJson(c, ctx.user(), id);
    before["reason"] = reason;
    after["reason"] = reason;
    Audit(c, ctx, "task.reassign", "task", id, before, after);
    return after;
  });
  return Response::Json(task);
}

Response ListTaskFlags(Context& ctx) {
  const auto& scope = ctx.user().Require("task.manage");
  const auto kind = QueryText(ctx.req, "kind");
  if (kind && *kind != "missed" && *kind != "late" && *kind != "manual_check_in") {
    FieldErrors e;
    e.Add("kind", "应为 missed、late 或 manual_check_in");
    e.ThrowIfAny();
  }
  const bool unconsumed = QueryBool(ctx.req, "unconsumed").value_or(false);
  const db::Page page =
      ParsePage(ctx.req, {{"id", "f.id"}, {"created_at", "f.created_at"}}, "f.id DESC", "f.id");
  return Response::Json(ctx.app.db->Read(
      [&](db::Conn& c) { return insp::ListTaskFlags(c, scope, kind, unconsumed, page); }));
}

Response PlanTemplates(Context& ctx) {
  ctx.user().Require("plan.view");
  return Response::Json(json::object{{"items", insp::DefaultPlanTemplates()}});
}

// ---- sync -------------------------------------------------------------------

json::object RejectedOutcome(const std::string& client_id, std::string_view kind,
                             const ApiError& e) {
  json::object o{{"client_id", client_id},
                 {"kind", kind},
                 {"status", "rejected"},
                 {"code", e.code()},
                 {"message", e.what()}};
  if (!e.details().empty()) o["details"] = e.details();
  return o;
}

json::object SyncOne(Context& ctx, const json::value& v, const std::string& qr_key) {
  if (!v.is_object()) {
    return RejectedOutcome("", "", BadRequest("malformed_item", "应为对象 / must be an object"));
  }
  const json::object& item = v.as_object();
  std::string client_id;
  std::string kind;
  if (const auto* c = item.if_contains("client_id"); c && c->is_string()) {
    client_id = std::string(c->as_string());
  }
  if (const auto* k = item.if_contains("kind"); k && k->is_string()) {
    kind = std::string(k->as_string());
  }
  try {
    return ctx.app.db->Write([&](db::Conn& c) {
      auto out = insp::ApplySyncItem(c, ctx.user(), item, qr_key, NowMs());
      if (out.at("status").as_string() == "stored") {
        Audit(c, ctx, "task." + kind, "task", out.at("task_id").as_int64(), nullptr, out);
      }
      return out;
    });
  } catch (const ApiError& e) {
    return RejectedOutcome(client_id, kind, e);
  } catch (const db::DbError& e) {
    // Another server stored the same client_id a moment ago.
    if (e.constraint() && !client_id.empty()) {
      auto prior = ctx.app.db->Read(
          [&](db::Conn& c) { return insp::StoredSyncOutcome(c, ctx.user().user_id, client_id); });
      if (prior) return *prior;
    }
    throw;
  }
}

Response Sync(Context& ctx) {
  ctx.user().Require("task.view");
  const json::object body = ParseJsonObject(ctx.req.body);
  const json::value* items = body.if_contains("items");
  FieldErrors errors;
  if (!items || !items->is_array()) {
    errors.Add("items", "应为数组 / must be an array");
  } else if (items->as_array().size() > kMaxSyncItems) {
    errors.Add("items", "一次最多 200 项 / at most 200 items");
  }
  for (const auto& kv : body) {
    if (kv.key() != "items") errors.Add(kv.key(), "unknown field");
  }
  errors.ThrowIfAny();

  const std::string qr_key = org::LoadQrKey(ctx.app.data_dir);
  // Check-ins before results, so a batch recorded out of order still completes its task.
  std::vector<const json::value*> ordered;
  for (const auto& v : items->as_array()) {
    if (v.is_object() && v.as_object().contains("kind") &&
        v.as_object().at("kind") == json::value("check_in")) {
      ordered.push_back(&v);
    }
  }
  for (const auto& v : items->as_array()) {
    if (std::find(ordered.begin(), ordered.end(), &v) == ordered.end()) ordered.push_back(&v);
  }
  std::map<const json::value*, json::object> outcomes;
  for (const json::value* v : ordered)
    outcomes[v] = SyncOne(ctx, *v, qr_key);

  json::array answer;
  int64_t stored = 0, duplicates = 0, rejected = 0;
  for (const auto& v : items->as_array()) {
    json::object& o = outcomes[&v];
    const auto status = o.at("status").as_string();
    if (status == "stored")
      ++stored;
    else if (status == "duplicate")
      ++duplicates;
    else
      ++rejected;
    answer.push_back(std::move(o));
  }
  return Response::Json(json::object{{"items", std::move(answer)},
                                     {"stored", stored},
                                     {"duplicates", duplicates},
                                     {"rejected", rejected},
                                     {"server_time", FormatRfc3339(NowMs())}});
}

}  // namespace

void RegisterInspectionRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/checklist-templates", ListTemplates, "List checklist templates",
        "inspection");
  r.Add("POST", "/api/v1/checklist-templates", CreateTemplate, "Create a checklist template",
        "inspection");
  r.Add("GET", "/api/v1/checklist-templates/{id}", GetTemplate,
        "Get a checklist template (latest or a given version)", "inspection");
  r.Add("PATCH", "/api/v1/checklist-templates/{id}", PatchTemplate,
        "Update a checklist template; new sections publish a new version", "inspection");

  r.Add("GET", "/api/v1/inspection-routes", ListRoutes, "List inspection routes", "inspection");
  r.Add("POST", "/api/v1/inspection-routes", CreateRoute, "Create an inspection route",
        "inspection");
  r.Add("GET", "/api/v1/inspection-routes/{id}", GetRoute, "Get an inspection route", "inspection");
  r.Add("PATCH", "/api/v1/inspection-routes/{id}", PatchRoute, "Update an inspection route",
        "inspection");

  r.Add("GET", "/api/v1/plans", ListPlans, "List inspection plans in scope", "inspection");
  r.Add("POST", "/api/v1/plans", CreatePlan, "Create an inspection plan", "inspection");
  r.Add("POST", "/api/v1/plans/preview", PreviewPlan,
        "Describe a rule and list its next occurrences before saving", "inspection");
  r.Add("GET", "/api/v1/plans/{id}", GetPlan, "Get an inspection plan", "inspection");
  r.Add("PATCH", "/api/v1/plans/{id}", PatchPlan, "Update, pause or resume a plan", "inspection");
  r.Add("GET", "/api/v1/plans/{id}/occurrences", PlanOccurrences,
        "Next occurrences of a plan (the generator's expansion)", "inspection");
  r.Add("POST", "/api/v1/plans/{id}/generate", GeneratePlan,
        "Create this plan's tasks now, up to a horizon", "inspection");

  r.Add("GET", "/api/v1/tasks", ListTasks, "List the caller's tasks (or all in scope for managers)",
        "inspection");
  r.Add("POST", "/api/v1/tasks", CreateTask, "Dispatch an ad hoc (urgent) task", "inspection");
  r.Add("GET", "/api/v1/tasks/{id}", GetTask, "Get a task", "inspection");
  r.Add("POST", "/api/v1/tasks/{id}/cancel", CancelTask, "Cancel a task with a reason",
        "inspection");

  r.Add("POST", "/api/v1/tasks/{id}/reassign", ReassignTask,
        "Reassign a task, with the reason kept", "inspection");
  r.Add("GET", "/api/v1/task-flags", ListTaskFlags,
        "Missed, late and manual check-in records for administrators", "inspection");
  r.Add("GET", "/api/v1/plan-templates", PlanTemplates,
        "Default plans of the hazardous-chemicals guideline", "inspection");

  r.Add("POST", "/api/v1/sync", Sync, "Upload queued offline work (idempotent per client_id)",
        "inspection");
}

}  // namespace anxun::api
