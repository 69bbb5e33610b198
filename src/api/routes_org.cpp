// HTTP routes of the org module: org units, areas, inspection points, QR
// codes and label sheets. Handlers check the permission, read the body,
// call src/org inside one Read or Write, and audit every change in the same
// Write. Records outside the caller's scope answer 404 like missing ones.
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/error.h"
#include "common/json.h"
#include "org/areas.h"
#include "org/file_store.h"
#include "org/files.h"
#include "org/floor_plan.h"
#include "org/labels.h"
#include "org/org_units.h"
#include "org/points.h"
#include "org/qr.h"

#include <charconv>
#include <set>

namespace anxun::api {
namespace {

using http::Response;

constexpr const char* kSvgType = "image/svg+xml; charset=utf-8";
// A drawn SVG is shown as an image; opened directly it must not run anything.
constexpr const char* kSvgPolicy = "default-src 'none'; style-src 'unsafe-inline'";

// A text filter; an empty value means no filter.
std::optional<std::string> QueryText(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

Response Svg(std::string body) {
  Response r = Response::Bytes(std::move(body), kSvgType);
  r.SetHeader("Content-Security-Policy", kSvgPolicy);
  r.SetHeader("Cache-Control", "private, no-cache");
  return r;
}

void Audit(db::Conn& c, const Context& ctx, std::string action, std::string type, int64_t id,
           boost::json::value before, boost::json::value after) {
  audit::Append(c, ctx.actor(),
                {std::move(action), std::move(type), std::to_string(id), std::move(before),
                 std::move(after)});
}

// What a PATCH did to a record's active flag: "deactivate", "activate" or
// plain "update".
std::string Verb(bool was_active, bool is_active) {
  if (was_active && !is_active) return "deactivate";
  if (!was_active && is_active) return "activate";
  return "update";
}

// ---- org units --------------------------------------------------------

Response ListOrgUnits(Context& ctx) {
  const auto& scope = ctx.user().Require("org.view");
  org::OrgUnitFilter f;
  f.kind = QueryText(ctx.req, "kind");
  f.parent_id = QueryInt(ctx.req, "parent_id");
  f.active = QueryBool(ctx.req, "active");
  f.q = QueryText(ctx.req, "q");
  const db::Page page = ParsePage(ctx.req, org::OrgUnitSortFields(), "path ASC");

  auto result = ctx.app.db->Read([&](db::Conn& c) { return org::ListOrgUnits(c, scope, f, page); });
  return Response::Json(ListBody(std::move(result.items), result.total, page));
}

Response CreateOrgUnit(Context& ctx) {
  const auto& scope = ctx.user().Require("org.edit");
  Body body(ParseJsonObject(ctx.req.body));
  const org::OrgUnitInput in = org::ReadOrgUnitInput(body);

  const org::OrgUnit unit = ctx.app.db->Write([&](db::Conn& c) {
    org::OrgUnit u = org::CreateOrgUnit(c, scope, in);
    Audit(c, ctx, "org_unit.create", "org_unit", u.id, nullptr, org::ToJson(u));
    return u;
  });
  return Response::Json(org::ToJson(unit), 201);
}

Response GetOrgUnit(Context& ctx) {
  const auto& scope = ctx.user().Require("org.view");
  const int64_t id = ctx.req.IdParam();
  auto unit = ctx.app.db->Read([&](db::Conn& c) { return org::GetOrgUnitInScope(c, scope, id); });
  return Response::Json(org::ToJson(unit));
}

// A new floor plan must be a file the editor may read themselves; otherwise
// pointing a unit at it would hand someone else's upload to its viewers.
void CheckFloorPlanAccess(db::Conn& c, const auth::Principal& user, const org::OrgUnit& before,
                          const org::OrgUnitPatch& p) {
  if (!p.floor_plan_file_id || !*p.floor_plan_file_id) return;
  if (*p.floor_plan_file_id == before.floor_plan_file_id) return;
  auto file = org::FindFile(c, **p.floor_plan_file_id);
  if (file && org::CanReadFile(c, user, *file)) return;
  FieldErrors errors;
  errors.Add("floor_plan_file_id", "文件不存在 / file not found");
  errors.ThrowIfAny();
}

Response PatchOrgUnit(Context& ctx) {
  const auto& scope = ctx.user().Require("org.edit");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const org::OrgUnitPatch patch = org::ReadOrgUnitPatch(body);

  const org::OrgUnit unit = ctx.app.db->Write([&](db::Conn& c) {
    const org::OrgUnit before = org::GetOrgUnitInScope(c, scope, id);
    CheckFloorPlanAccess(c, ctx.user(), before, patch);
    org::OrgUnit after = org::UpdateOrgUnit(c, scope, id, patch);
    const std::string verb =
        after.parent_id != before.parent_id ? "move" : Verb(before.active, after.active);
    Audit(c, ctx, "org_unit." + verb, "org_unit", id, org::ToJson(before), org::ToJson(after));
    return after;
  });
  return Response::Json(org::ToJson(unit));
}

Response FloorPlan(Context& ctx) {
  const auto& scope = ctx.user().Require("org.view");
  const int64_t id = ctx.req.IdParam();
  std::optional<org::StoredFile> file;
  org::PlanInput plan;
  ctx.app.db->Read([&](db::Conn& c) {
    const org::OrgUnit unit = org::GetOrgUnitInScope(c, scope, id);
    if (unit.floor_plan_file_id) file = org::FindFile(c, *unit.floor_plan_file_id);
    if (file) return;
    plan.title = unit.name;
    for (const auto& a : org::AreasOfUnit(c, id)) {
      plan.areas.push_back({a.code, a.name, a.x, a.y, a.risk_level});
    }
    for (const auto& child : org::ChildrenOf(c, id))
      plan.child_units.push_back(child.name);
  });

  if (!file) return Svg(org::RenderFloorPlan(plan));
  auto bytes = org::FileStore(ctx.app.data_dir).Read(file->sha256);
  if (!bytes) throw NotFound("floor plan");
  Response r = Response::Bytes(std::move(*bytes), file->content_type);
  r.SetHeader("Cache-Control", "private, no-cache");
  return r;
}

// ---- areas ------------------------------------------------------------

Response ListAreas(Context& ctx) {
  const auto& scope = ctx.user().Require("area.view");
  org::AreaFilter f;
  f.org_unit_id = QueryInt(ctx.req, "org_unit_id");
  f.active = QueryBool(ctx.req, "active");
  f.q = QueryText(ctx.req, "q");
  const db::Page page = ParsePage(ctx.req, org::AreaSortFields(), "code ASC");

  auto result = ctx.app.db->Read([&](db::Conn& c) { return org::ListAreas(c, scope, f, page); });
  return Response::Json(ListBody(std::move(result.items), result.total, page));
}

Response CreateArea(Context& ctx) {
  const auto& scope = ctx.user().Require("area.edit");
  Body body(ParseJsonObject(ctx.req.body));
  const org::AreaInput in = org::ReadAreaInput(body);

  const org::Area area = ctx.app.db->Write([&](db::Conn& c) {
    org::Area a = org::CreateArea(c, scope, in);
    Audit(c, ctx, "area.create", "area", a.id, nullptr, org::ToJson(a));
    return a;
  });
  return Response::Json(org::ToJson(area), 201);
}

Response GetArea(Context& ctx) {
  const auto& scope = ctx.user().Require("area.view");
  const int64_t id = ctx.req.IdParam();
  auto area = ctx.app.db->Read([&](db::Conn& c) { return org::GetAreaInScope(c, scope, id); });
  return Response::Json(org::ToJson(area));
}

Response PatchArea(Context& ctx) {
  const auto& scope = ctx.user().Require("area.edit");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const org::AreaPatch patch = org::ReadAreaPatch(body);

  const org::Area area = ctx.app.db->Write([&](db::Conn& c) {
    const org::Area before = org::GetAreaInScope(c, scope, id);
    org::Area after = org::UpdateArea(c, scope, id, patch);
    Audit(c, ctx, "area." + Verb(before.active, after.active), "area", id, org::ToJson(before),
          org::ToJson(after));
    return after;
  });
  return Response::Json(org::ToJson(area));
}

// ---- points -----------------------------------------------------------

Response ListPoints(Context& ctx) {
  const auto& scope = ctx.user().Require("point.view");
  org::PointFilter f;
  f.org_unit_id = QueryInt(ctx.req, "org_unit_id");
  f.area_id = QueryInt(ctx.req, "area_id");
  f.kind = QueryText(ctx.req, "kind");
  f.active = QueryBool(ctx.req, "active");
  f.q = QueryText(ctx.req, "q");
  const db::Page page = ParsePage(ctx.req, org::PointSortFields(), "p.code ASC", "p.id");

  std::string body =
      ctx.app.db->Read([&](db::Conn& c) { return org::ListPointsJson(c, scope, f, page); });
  return Response::Bytes(std::move(body), "application/json; charset=utf-8");
}

Response CreatePoint(Context& ctx) {
  const auto& scope = ctx.user().Require("point.edit");
  Body body(ParseJsonObject(ctx.req.body));
  const org::PointInput in = org::ReadPointInput(body);

  const org::Point point = ctx.app.db->Write([&](db::Conn& c) {
    org::Point p = org::CreatePoint(c, scope, in);
    Audit(c, ctx, "point.create", "point", p.id, nullptr, org::ToJson(p));
    return p;
  });
  return Response::Json(org::ToJson(point), 201);
}

Response GetPoint(Context& ctx) {
  const auto& scope = ctx.user().Require("point.view");
  const int64_t id = ctx.req.IdParam();
  auto point = ctx.app.db->Read([&](db::Conn& c) { return org::GetPointInScope(c, scope, id); });
  return Response::Json(org::ToJson(point));
}

Response PatchPoint(Context& ctx) {
  const auto& scope = ctx.user().Require("point.edit");
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const org::PointPatch patch = org::ReadPointPatch(body);

  const org::Point point = ctx.app.db->Write([&](db::Conn& c) {
    const org::Point before = org::GetPointInScope(c, scope, id);
    org::Point after = org::UpdatePoint(c, scope, id, patch);
    Audit(c, ctx, "point." + Verb(before.active, after.active), "point", id, org::ToJson(before),
          org::ToJson(after));
    return after;
  });
  return Response::Json(org::ToJson(point));
}

Response PointQr(Context& ctx) {
  const auto& scope = ctx.user().Require("point.view");
  const int64_t id = ctx.req.IdParam();
  auto point = ctx.app.db->Read([&](db::Conn& c) { return org::GetPointInScope(c, scope, id); });
  const std::string key = org::LoadQrKey(ctx.app.data_dir);
  return Svg(org::QrSvg(org::EncodeQr(org::SignPointCode(key, point.code))));
}

// "3,1,2" -> {3, 1, 2} (duplicates dropped, order kept); 400 when malformed,
// empty or longer than the label limit.
std::vector<int64_t> ParseIds(const http::Request& req) {
  const std::string text = req.Query("ids").value_or("");
  std::vector<int64_t> ids;
  std::set<int64_t> seen;
  bool ok = !text.empty();
  for (std::string_view rest = text; ok && !rest.empty();) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    int64_t id = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    ok = ec == std::errc() && end == item.data() + item.size() && id > 0;
    if (ok && seen.insert(id).second) ids.push_back(id);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  FieldErrors errors;
  if (!ok) {
    errors.Add("ids", "应为逗号分隔的编号 / must be comma-separated ids");
  } else if (ids.size() > org::kMaxLabelsPerRequest) {
    errors.Add("ids", "一次最多 200 个 / at most 200 ids");
  }
  errors.ThrowIfAny();
  return ids;
}

Response PointLabels(Context& ctx) {
  const auto& scope = ctx.user().Require("point.view");
  const std::vector<int64_t> ids = ParseIds(ctx.req);
  const std::string key = org::LoadQrKey(ctx.app.data_dir);
  auto labels = ctx.app.db->Read([&](db::Conn& c) {
    return org::LabelsForPoints(c, key, org::GetPointsInScope(c, scope, ids));
  });
  Response r = Response::Bytes(org::RenderLabelSheet(labels), "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", "private, no-store");
  return r;
}

}  // namespace

void RegisterOrgRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/org-units", ListOrgUnits, "List org units in scope", "org");
  r.Add("POST", "/api/v1/org-units", CreateOrgUnit, "Create an org unit", "org");
  r.Add("GET", "/api/v1/org-units/{id}", GetOrgUnit, "Get an org unit", "org");
  r.Add("PATCH", "/api/v1/org-units/{id}", PatchOrgUnit, "Update, move or deactivate an org unit",
        "org");
  r.Add("GET", "/api/v1/org-units/{id}/floor-plan", FloorPlan, "Floor plan image of an org unit",
        "org");

  r.Add("GET", "/api/v1/areas", ListAreas, "List areas in scope", "org");
  r.Add("POST", "/api/v1/areas", CreateArea, "Create an area", "org");
  r.Add("GET", "/api/v1/areas/{id}", GetArea, "Get an area", "org");
  r.Add("PATCH", "/api/v1/areas/{id}", PatchArea, "Update or deactivate an area", "org");

  r.Add("GET", "/api/v1/points", ListPoints, "List inspection points in scope", "org");
  r.Add("POST", "/api/v1/points", CreatePoint, "Create an inspection point", "org");
  r.Add("GET", "/api/v1/points/labels", PointLabels, "Printable A4 QR label sheet", "org");
  r.Add("GET", "/api/v1/points/{id}", GetPoint, "Get an inspection point", "org");
  r.Add("PATCH", "/api/v1/points/{id}", PatchPoint, "Update or deactivate an inspection point",
        "org");
  r.Add("GET", "/api/v1/points/{id}/qr.svg", PointQr, "Signed QR code of a point (SVG)", "org");
}

}  // namespace anxun::api
