#include "org/areas.h"

#include "common/clock.h"
#include "common/error.h"
#include "org/fields.h"

namespace anxun::org {
namespace {

constexpr const char* kSelectArea =
    "SELECT id, org_unit_id, code, name, description, x, y, risk_level, active, version, "
    "created_at, updated_at FROM areas";

constexpr const char* kInsertArea =
    "INSERT INTO areas (org_unit_id, code, name, description, x, y, risk_level, active, version, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id";

constexpr const char* kUpdateArea =
    "UPDATE areas SET code = ?, name = ?, description = ?, x = ?, y = ?, risk_level = ?, "
    "active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?";

constexpr const char* kCodeTaken = "SELECT id FROM areas WHERE org_unit_id = ? AND code = ?";
constexpr const char* kCountActivePoints =
    "SELECT COUNT(*) FROM points WHERE area_id = ? AND active = 1";

Area FromRow(const db::Row& r) {
  Area a;
  a.id = r.Int(0);
  a.org_unit_id = r.Int(1);
  a.code = r.Str(2);
  a.name = r.Str(3);
  a.description = r.Str(4);
  a.x = r.OptReal(5);
  a.y = r.OptReal(6);
  a.risk_level = r.OptStr(7);
  a.active = r.Bool(8);
  a.version = r.Int(9);
  a.created_at = r.Int(10);
  a.updated_at = r.Int(11);
  return a;
}

void CheckFields(const Area& a, FieldErrors& errors) {
  if (!IsValidCode(a.code)) errors.Add("code", kCodeRule);
  if (a.name.empty()) errors.Add("name", "不能为空 / required");
  if (!IsFraction(a.x)) errors.Add("x", "应在 0 到 1 之间 / must be within 0..1");
  if (!IsFraction(a.y)) errors.Add("y", "应在 0 到 1 之间 / must be within 0..1");
  if (a.risk_level && !IsRiskLevel(*a.risk_level)) {
    errors.Add("risk_level", "应为 red、orange、yellow 或 blue / must be red|orange|yellow|blue");
  }
}

void EnsureCodeFree(db::Conn& c, int64_t unit_id, const std::string& code, int64_t self_id) {
  auto other = c.QueryInt(kCodeTaken, {unit_id, code});
  if (other && *other != self_id) throw DuplicateCode(code);
}

}  // namespace

bool IsRiskLevel(std::string_view level) {
  return level == "red" || level == "orange" || level == "yellow" || level == "blue";
}

std::optional<Area> FindArea(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectArea) + " WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

Area GetAreaInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto area = FindArea(c, id);
  if (!area || !scope.Contains(area->org_unit_id)) throw NotFound("area");
  return *area;
}

std::vector<Area> AreasOfUnit(db::Conn& c, int64_t org_unit_id, bool active_only) {
  std::string sql = std::string(kSelectArea) + " WHERE org_unit_id = ?";
  if (active_only) sql += " AND active = 1";
  std::vector<Area> out;
  for (const auto& row : c.Query(sql + " ORDER BY code, id", {org_unit_id})) {
    out.push_back(FromRow(row));
  }
  return out;
}

const std::vector<std::pair<std::string_view, std::string_view>>& AreaSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"id", "id"},
      {"code", "code"},
      {"name", "name"},
      {"risk_level", "risk_level"},
      {"created_at", "created_at"},
      {"updated_at", "updated_at"}};
  return fields;
}

ListResult ListAreas(db::Conn& c, const auth::AccessScope& scope, const AreaFilter& filter,
                     const db::Page& page) {
  db::Where where;
  scope.Apply(where, "org_unit_id");
  if (filter.org_unit_id) where.Add("org_unit_id = ?", {*filter.org_unit_id});
  if (filter.active) where.Add("active = ?", {int64_t{*filter.active}});
  if (filter.q && !filter.q->empty()) where.Search({"code", "name"}, *filter.q);

  ListResult out;
  for (const auto& row :
       c.Query(kSelectArea + where.Sql() + page.Sql(), page.Bind(where.params()))) {
    out.items.push_back(ToJson(FromRow(row)));
  }
  out.total = c.QueryInt("SELECT COUNT(*) FROM areas" + where.Sql(), where.params()).value_or(0);
  return out;
}

Area CreateArea(db::Conn& c, const auth::AccessScope& scope, const AreaInput& in) {
  Area a;
  a.org_unit_id = in.org_unit_id;
  a.code = in.code;
  a.name = in.name;
  a.description = in.description;
  a.x = in.x;
  a.y = in.y;
  a.risk_level = in.risk_level;

  FieldErrors errors;
  CheckFields(a, errors);
  CheckRecordUnit(c, scope, in.org_unit_id, errors);
  errors.ThrowIfAny();
  EnsureCodeFree(c, a.org_unit_id, a.code, 0);

  const int64_t now = NowMs();
  const int64_t id =
      c.Insert(kInsertArea, {a.org_unit_id, a.code, a.name, a.description, db::Opt(a.x),
                             db::Opt(a.y), db::Opt(a.risk_level), now, now});
  return *FindArea(c, id);
}

Area UpdateArea(db::Conn& c, const auth::AccessScope& scope, int64_t id, const AreaPatch& patch) {
  const Area cur = GetAreaInScope(c, scope, id);
  if (patch.version && *patch.version != cur.version) throw VersionConflict();

  Area next = cur;
  if (patch.code) next.code = *patch.code;
  if (patch.name) next.name = *patch.name;
  if (patch.description) next.description = *patch.description;
  if (patch.x) next.x = *patch.x;
  if (patch.y) next.y = *patch.y;
  if (patch.risk_level) next.risk_level = *patch.risk_level;
  if (patch.active) next.active = *patch.active;
  FieldErrors errors;
  CheckFields(next, errors);
  errors.ThrowIfAny();
  if (next.code != cur.code) EnsureCodeFree(c, cur.org_unit_id, next.code, cur.id);
  if (cur.active && !next.active && c.QueryInt(kCountActivePoints, {id}).value_or(0) > 0) {
    throw Conflict("area_has_active_points",
                   "该区域仍有在用巡检点，请先停用或移走 / the area still has active points");
  }

  const int64_t changed = c.Exec(
      kUpdateArea, {next.code, next.name, next.description, db::Opt(next.x), db::Opt(next.y),
                    db::Opt(next.risk_level), int64_t{next.active}, NowMs(), id, cur.version});
  if (changed == 0) throw VersionConflict();
  return *FindArea(c, id);
}

boost::json::object ToJson(const Area& a) {
  boost::json::object o;
  o["id"] = a.id;
  o["org_unit_id"] = a.org_unit_id;
  o["code"] = a.code;
  o["name"] = a.name;
  o["description"] = a.description;
  o["x"] = OptReal(a.x);
  o["y"] = OptReal(a.y);
  o["risk_level"] = OptJson(a.risk_level);
  o["active"] = a.active;
  o["version"] = a.version;
  o["created_at"] = FormatRfc3339(a.created_at);
  o["updated_at"] = FormatRfc3339(a.updated_at);
  return o;
}

AreaInput ReadAreaInput(Body& b) {
  AreaInput in;
  in.org_unit_id = b.Int("org_unit_id", true).value_or(0);
  in.code = b.Str("code", true, 64).value_or("");
  in.name = b.Str("name", true, 200).value_or("");
  in.description = b.Str("description", false, 2000).value_or("");
  in.x = b.Real("x");
  in.y = b.Real("y");
  in.risk_level = b.Str("risk_level", false, 16);
  if (in.risk_level && in.risk_level->empty()) in.risk_level.reset();  // "" from a cleared select
  b.Done({"org_unit_id", "code", "name", "description", "x", "y", "risk_level"});
  return in;
}

AreaPatch ReadAreaPatch(Body& b) {
  AreaPatch p;
  p.code = b.Str("code", false, 64);
  p.name = b.Str("name", false, 200);
  p.description = b.Str("description", false, 2000);
  p.x = NullableReal(b, "x");
  p.y = NullableReal(b, "y");
  p.risk_level = NullableStr(b, "risk_level", 16);
  if (p.risk_level && *p.risk_level && (*p.risk_level)->empty()) p.risk_level->reset();
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"code", "name", "description", "x", "y", "risk_level", "active", "version"});
  return p;
}

}  // namespace anxun::org
