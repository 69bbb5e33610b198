// HTTP routes of the hazard loop: report, list, detail, actions, categories,
// CSV export and the printable rectification notice. Handlers read the query
// or body, call src/hazard inside one Read or Write, and audit every change in
// the same Write. Hazards outside the caller's hazard.view scope answer 404.
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "hazard/categories.h"
#include "hazard/hazards.h"
#include "hazard/rules.h"
#include "hazard/saved_filters.h"
#include "hazard/workflow.h"

namespace anxun::api {
namespace {

using http::Response;

constexpr int64_t kExportLimit = 100000;

std::optional<std::string> QueryText(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::optional<std::string> QueryEnum(const http::Request& req, std::string_view key,
                                     const std::vector<std::string_view>& allowed) {
  auto v = QueryText(req, key);
  if (v && !hazard::IsOneOf(allowed, *v)) {
    FieldErrors errors;
    errors.Add(key, "未知取值 / unknown value");
    errors.ThrowIfAny();
  }
  return v;
}

hazard::HazardFilter ReadFilter(const http::Request& req) {
  hazard::HazardFilter f;
  f.code = QueryText(req, "code");
  f.state = QueryEnum(req, "state", hazard::States());
  f.level = QueryEnum(req, "level", hazard::Levels());
  f.category = QueryText(req, "category");
  f.org_unit_id = QueryInt(req, "org_unit_id");
  f.area_id = QueryInt(req, "area_id");
  f.point_id = QueryInt(req, "point_id");
  f.owner_id = QueryInt(req, "owner_id");
  f.source = QueryEnum(req, "source", hazard::Sources());
  f.overdue = QueryBool(req, "overdue");
  f.supervised = QueryBool(req, "supervised");
  f.from = QueryTime(req, "from");
  f.to = QueryTime(req, "to");
  f.q = QueryText(req, "q");
  f.open = QueryBool(req, "open");
  f.due_soon = QueryBool(req, "due_soon");
  return f;
}

void Audit(db::Conn& c, const Context& ctx, std::string action, int64_t id,
           boost::json::value before, boost::json::value after) {
  audit::Append(
      c, ctx.actor(),
      {std::move(action), "hazard", std::to_string(id), std::move(before), std::move(after)});
}

Response ListHazards(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.view");
  const hazard::HazardFilter f = ReadFilter(ctx.req);
  const db::Page page = ParsePage(ctx.req, hazard::HazardSortFields(), "h.found_at DESC", "h.id");
  const int64_t now = NowMs();
  auto result =
      ctx.app.db->Read([&](db::Conn& c) { return hazard::ListHazards(c, scope, f, page, now); });
  boost::json::array items;
  for (const auto& h : result.items)
    items.push_back(hazard::ToJson(h, now));
  return Response::Json(ListBody(std::move(items), result.total, page));
}

Response HazardSummary(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require("hazard.view");
  const hazard::HazardFilter f = ReadFilter(ctx.req);
  const int64_t now = NowMs();
  auto body = ctx.app.db->Read(
      [&](db::Conn& c) { return hazard::Summary(c, scope, f, user.user_id, now); });
  return Response::Json(body);
}

Response ReportHazard(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("hazard.report");
  Body body(ParseJsonObject(ctx.req.body));
  const int64_t now = NowMs();
  auto result = ctx.app.db->Write([&](db::Conn& c) {
    hazard::ReportResult r = hazard::ReportHazard(c, user, body);
    if (r.created) {
      Audit(c, ctx, "hazard.report", r.hazard.id, nullptr, hazard::ToJson(r.hazard, 0));
    }
    return r;
  });
  auto json = ctx.app.db->Read(
      [&](db::Conn& c) { return hazard::DetailJson(c, user, result.hazard, now); });
  return Response::Json(json, result.created ? 201 : 200);
}

Response GetHazard(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require("hazard.view");
  const int64_t id = ctx.req.IdParam();
  const int64_t now = NowMs();
  auto json = ctx.app.db->Read([&](db::Conn& c) {
    return hazard::DetailJson(c, user, hazard::GetHazardInScope(c, scope, id), now);
  });
  return Response::Json(json);
}

Response HazardAction(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("hazard.view");
  const int64_t id = ctx.req.IdParam();
  const std::string action = ctx.req.Param("action");
  Body body(ParseJsonObject(ctx.req.body));
  const int64_t now = NowMs();
  auto saved = ctx.app.db->Write([&](db::Conn& c) {
    auto [before, after] = hazard::TakeAction(c, user, id, action, body);
    Audit(c, ctx, "hazard." + action, id, hazard::ToJson(before, 0), hazard::ToJson(after, 0));
    return after;
  });
  auto json =
      ctx.app.db->Read([&](db::Conn& c) { return hazard::DetailJson(c, user, saved, now); });
  return Response::Json(json);
}

Response ListCategories(Context& ctx) {
  ctx.user().Require("hazard.view");
  // Inactive categories are for the configuration page, to be found again.
  const bool all = QueryBool(ctx.req, "include_inactive").value_or(false);
  auto items = ctx.app.db->Read([&](db::Conn& c) { return hazard::ListCategories(c, all); });
  const auto total = static_cast<int64_t>(items.size());
  return Response::Json(boost::json::object{{"items", std::move(items)}, {"total", total}});
}

Response CreateCategory(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.configure");
  Body body(ParseJsonObject(ctx.req.body));
  auto made = ctx.app.db->Write([&](db::Conn& c) {
    auto cat = hazard::CreateCategory(c, scope, body);
    audit::Append(c, ctx.actor(),
                  {"hazard_category.create", "hazard_category",
                   std::string(cat.at("code").as_string()), nullptr, cat});
    return cat;
  });
  return Response::Json(made, 201);
}

Response PatchCategory(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.configure");
  const std::string code = ctx.req.Param("code");
  Body body(ParseJsonObject(ctx.req.body));
  auto after = ctx.app.db->Write([&](db::Conn& c) {
    auto [before, now] = hazard::UpdateCategory(c, scope, code, body);
    audit::Append(c, ctx.actor(), {"hazard_category.update", "hazard_category", code, before, now});
    return now;
  });
  return Response::Json(after);
}

Response ListMajorCriteria(Context& ctx) {
  ctx.user().Require("hazard.view");
  auto items = ctx.app.db->Read([&](db::Conn& c) { return hazard::ListMajorCriteria(c); });
  const auto total = static_cast<int64_t>(items.size());
  return Response::Json(boost::json::object{{"items", std::move(items)}, {"total", total}});
}

Response ExportHazards(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require("hazard.export");
  user.Require("hazard.view");
  const auto format = ctx.req.Query("format").value_or("csv");
  if (format != "csv" && format != "xlsx") {
    FieldErrors errors;
    errors.Add("format", "应为 csv 或 xlsx / csv or xlsx");
    errors.ThrowIfAny();
  }
  const hazard::HazardFilter f = ReadFilter(ctx.req);
  const db::Page page = ParsePage(ctx.req, hazard::HazardSortFields(), "h.found_at DESC", "h.id");
  const int64_t now = NowMs();
  auto rows = ctx.app.db->Read([&](db::Conn& c) {
    return hazard::ExportHazards(c, scope, f, page.order_by, now, kExportLimit);
  });
  ctx.app.db->Write([&](db::Conn& c) {
    audit::Append(c, ctx.actor(),
                  {"hazard.export", "hazard", "", nullptr,
                   boost::json::object{{"rows", static_cast<int64_t>(rows.size())},
                                       {"format", format},
                                       {"query", ctx.req.target}}});
  });
  const bool xlsx = format == "xlsx";
  Response r =
      xlsx ? Response::Bytes(hazard::ToXlsx(rows, now),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
           : Response::Bytes(hazard::ToCsv(rows, now), "text/csv; charset=utf-8");
  r.SetHeader("Content-Disposition", xlsx ? "attachment; filename=\"hazards.xlsx\""
                                          : "attachment; filename=\"hazards.csv\"");
  r.SetHeader("Cache-Control", "private, no-store");
  return r;
}

Response Notice(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.view");
  const int64_t id = ctx.req.IdParam();
  auto html = ctx.app.db->Read(
      [&](db::Conn& c) { return hazard::NoticeHtml(c, hazard::GetHazardInScope(c, scope, id)); });
  Response r = Response::Bytes(std::move(html), "text/html; charset=utf-8");
  r.SetHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  r.SetHeader("Cache-Control", "private, no-store");
  return r;
}

Response Archive(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.view");
  const int64_t id = ctx.req.IdParam();
  auto html = ctx.app.db->Read(
      [&](db::Conn& c) { return hazard::ArchiveHtml(c, hazard::GetHazardInScope(c, scope, id)); });
  Response r = Response::Bytes(std::move(html), "text/html; charset=utf-8");
  r.SetHeader("Content-Security-Policy",
              "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
  r.SetHeader("Cache-Control", "private, no-store");
  return r;
}

// ---- deadline rules ---------------------------------------------------

Response ListRules(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.view");
  const auto unit = QueryInt(ctx.req, "org_unit_id");
  auto body = ctx.app.db->Read([&](db::Conn& c) {
    boost::json::array items;
    for (const auto& r : hazard::ListRules(c, scope))
      items.push_back(hazard::ToJson(r));
    const auto total = static_cast<int64_t>(items.size());
    boost::json::object o{{"items", std::move(items)}, {"total", total}};
    if (unit) {
      if (!scope.Contains(*unit)) throw NotFound("org unit");
      o["effective"] = hazard::EffectiveRules(c, *unit);
    }
    return o;
  });
  return Response::Json(body);
}

Response SetRule(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.configure");
  Body body(ParseJsonObject(ctx.req.body));
  auto rule = ctx.app.db->Write([&](db::Conn& c) {
    auto [before, after] = hazard::SetRule(c, scope, body);
    audit::Append(
        c, ctx.actor(),
        {"hazard_rule.set", "hazard_rule", std::to_string(after.id),
         before ? boost::json::value(hazard::ToJson(*before)) : nullptr, hazard::ToJson(after)});
    return after;
  });
  return Response::Json(hazard::ToJson(rule));
}

Response DeleteRule(Context& ctx) {
  const auto& scope = ctx.user().Require("hazard.configure");
  const int64_t id = ctx.req.IdParam();
  ctx.app.db->Write([&](db::Conn& c) {
    const hazard::Rule r = hazard::DeleteRule(c, scope, id);
    audit::Append(
        c, ctx.actor(),
        {"hazard_rule.delete", "hazard_rule", std::to_string(id), hazard::ToJson(r), nullptr});
  });
  return Response::NoContent();
}

// ---- saved filters ------------------------------------------------------

Response ListFilters(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("hazard.view");
  auto items =
      ctx.app.db->Read([&](db::Conn& c) { return hazard::ListSavedFilters(c, user.user_id); });
  const auto total = static_cast<int64_t>(items.size());
  return Response::Json(boost::json::object{{"items", std::move(items)}, {"total", total}});
}

Response CreateFilter(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("hazard.view");
  Body body(ParseJsonObject(ctx.req.body));
  auto saved = ctx.app.db->Write([&](db::Conn& c) {
    auto f = hazard::SaveFilter(c, user.user_id, body);
    audit::Append(c, ctx.actor(),
                  {"hazard_filter.create", "hazard_filter", std::to_string(f.at("id").as_int64()),
                   nullptr, f});
    return f;
  });
  return Response::Json(saved, 201);
}

Response DeleteFilter(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("hazard.view");
  const int64_t id = ctx.req.IdParam();
  ctx.app.db->Write([&](db::Conn& c) {
    auto f = hazard::DeleteSavedFilter(c, user.user_id, id);
    audit::Append(c, ctx.actor(),
                  {"hazard_filter.delete", "hazard_filter", std::to_string(id), f, nullptr});
  });
  return Response::NoContent();
}

}  // namespace

void RegisterHazardRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/hazards", ListHazards, "List hazards in scope", "hazard");
  r.Add("POST", "/api/v1/hazards", ReportHazard, "Report a hazard (idempotent on client_id)",
        "hazard");
  r.Add("GET", "/api/v1/hazards/summary", HazardSummary, "Counts for the hazard workbench tabs",
        "hazard");
  r.Add("GET", "/api/v1/hazards/export", ExportHazards,
        "Export the filtered hazards as CSV or XLSX", "hazard");
  r.Add("GET", "/api/v1/hazards/{id}", GetHazard, "Get a hazard with history and evidence",
        "hazard");
  r.Add("POST", "/api/v1/hazards/{id}/actions/{action}", HazardAction, "Take an action on a hazard",
        "hazard");
  r.Add("GET", "/api/v1/hazards/{id}/notice", Notice, "Printable rectification notice (HTML)",
        "hazard");
  r.Add("GET", "/api/v1/hazards/{id}/archive", Archive,
        "Printable archive of a hazard: every step with its evidence (HTML)", "hazard");
  r.Add("GET", "/api/v1/hazard-categories", ListCategories, "List hazard categories", "hazard");
  r.Add("POST", "/api/v1/hazard-categories", CreateCategory, "Add a hazard category", "hazard");
  r.Add("PATCH", "/api/v1/hazard-categories/{code}", PatchCategory,
        "Rename, reorder or deactivate a hazard category", "hazard");
  r.Add("GET", "/api/v1/hazard-major-criteria", ListMajorCriteria,
        "List the major-hazard criteria (判定标准)", "hazard");
  r.Add("GET", "/api/v1/hazard-filters", ListFilters, "List my saved hazard filters", "hazard");
  r.Add("POST", "/api/v1/hazard-filters", CreateFilter, "Save a hazard list filter", "hazard");
  r.Add("DELETE", "/api/v1/hazard-filters/{id}", DeleteFilter, "Delete a saved hazard filter",
        "hazard");
  r.Add("GET", "/api/v1/hazard-deadline-rules", ListRules, "List deadline rules", "hazard");
  r.Add("PUT", "/api/v1/hazard-deadline-rules", SetRule,
        "Set the deadline rule of a level for an org unit", "hazard");
  r.Add("DELETE", "/api/v1/hazard-deadline-rules/{id}", DeleteRule,
        "Remove an org unit's deadline rule", "hazard");
}

}  // namespace anxun::api
