#include "org/org_units.h"

#include "common/clock.h"
#include "common/error.h"
#include "org/fields.h"

#include <fmt/format.h>

namespace anxun::org {
namespace {

constexpr const char* kSelectUnit =
    "SELECT id, parent_id, kind, code, name, timezone, path, floor_plan_file_id, active, "
    "version, created_at, updated_at FROM org_units";

constexpr const char* kInsertUnit =
    "INSERT INTO org_units (parent_id, kind, code, name, timezone, path, active, version, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', 1, 1, ?, ?) RETURNING id";

constexpr const char* kUpdateUnit =
    "UPDATE org_units SET parent_id = ?, code = ?, name = ?, timezone = ?, path = ?, "
    "floor_plan_file_id = ?, active = ?, version = version + 1, updated_at = ? "
    "WHERE id = ? AND version = ?";

// Rewrites the path prefix of every descendant after a move.
constexpr const char* kRewriteSubtree =
    "UPDATE org_units SET path = ? || SUBSTR(path, ?) WHERE path LIKE ?";

constexpr const char* kCountActiveChildren =
    "SELECT COUNT(*) FROM org_units WHERE parent_id = ? AND active = 1";
constexpr const char* kCountActiveUsers =
    "SELECT COUNT(*) FROM users WHERE org_unit_id = ? AND active = 1";
constexpr const char* kFileType = "SELECT content_type FROM files WHERE id = ?";

OrgUnit FromRow(const db::Row& r) {
  OrgUnit u;
  u.id = r.Int(0);
  u.parent_id = r.OptInt(1);
  u.kind = r.Str(2);
  u.code = r.Str(3);
  u.name = r.Str(4);
  u.timezone = r.Str(5);
  u.path = r.Str(6);
  u.floor_plan_file_id = r.OptInt(7);
  u.active = r.Bool(8);
  u.version = r.Int(9);
  u.created_at = r.Int(10);
  u.updated_at = r.Int(11);
  return u;
}

void CheckCode(const std::string& code, FieldErrors& errors) {
  if (!IsValidCode(code)) errors.Add("code", kCodeRule);
}

void CheckName(const std::string& name, FieldErrors& errors) {
  if (name.empty() || name.size() > 200) {
    errors.Add("name", "不能为空，不超过 200 字节 / required, at most 200 bytes");
  }
}

void CheckTimezone(const std::string& tz, FieldErrors& errors) {
  if (!IsKnownTimezone(tz)) errors.Add("timezone", "未知时区 / unknown time zone");
}

void EnsureCodeFree(db::Conn& c, const std::string& code, int64_t self_id) {
  auto other = c.QueryInt("SELECT id FROM org_units WHERE code = ?", {code});
  if (other && *other != self_id) throw DuplicateCode(code);
}

ApiError ParentInactive() {
  return Conflict("parent_inactive", "上级单位已停用 / the parent unit is inactive");
}

std::string KindMismatch(std::string_view parent_kind, std::string_view child_kind) {
  return fmt::format("{}下不能设{} / a {} cannot hold a {}", KindLabel(parent_kind),
                     KindLabel(child_kind), parent_kind, child_kind);
}

// Checks the new parent of `unit` and returns the unit's new path.
std::string NewPathForMove(db::Conn& c, const auth::AccessScope& scope, const OrgUnit& unit,
                           const std::optional<int64_t>& parent_id) {
  FieldErrors errors;
  if (!parent_id) {
    if (!scope.all) {
      errors.Add("parent_id", "只有全局管理员可设顶级单位 / only a global editor may make a root");
    }
    errors.ThrowIfAny();
    return fmt::format("/{}/", unit.id);
  }

  auto parent = FindOrgUnit(c, *parent_id);
  if (!parent || !scope.Contains(parent->id)) {
    errors.Add("parent_id", "上级单位不存在 / parent not found");
  } else if (parent->path.starts_with(unit.path)) {
    errors.Add("parent_id", "不能移到自身或下级单位之下 / cannot move a unit under itself");
  } else if (!CanHold(parent->kind, unit.kind)) {
    errors.Add("parent_id", KindMismatch(parent->kind, unit.kind));
  }
  errors.ThrowIfAny();
  if (unit.active && !parent->active) throw ParentInactive();
  return fmt::format("{}{}/", parent->path, unit.id);
}

void CheckDeactivation(db::Conn& c, const OrgUnit& unit) {
  if (c.QueryInt(kCountActiveChildren, {unit.id}).value_or(0) > 0) {
    throw Conflict("org_unit_has_active_children",
                   "请先停用下级单位 / deactivate the unit's active children first");
  }
  if (c.QueryInt(kCountActiveUsers, {unit.id}).value_or(0) > 0) {
    throw Conflict("org_unit_has_active_users",
                   "该单位仍有在用账号，请先停用或调走 / the unit still has active users");
  }
}

void CheckReactivation(db::Conn& c, const OrgUnit& next) {
  if (!next.parent_id) return;
  auto parent = FindOrgUnit(c, *next.parent_id);
  if (parent && !parent->active) throw ParentInactive();
}

void CheckFloorPlanFile(db::Conn& c, int64_t file_id, FieldErrors& errors) {
  auto row = c.QueryOne(kFileType, {file_id});
  if (!row) {
    errors.Add("floor_plan_file_id", "文件不存在 / file not found");
  } else if (!row->Str(0).starts_with("image/")) {
    errors.Add("floor_plan_file_id", "平面图应为图片 / a floor plan must be an image");
  }
}

// Validates the plain fields of a patch into `next`.
void ApplyFields(db::Conn& c, const OrgUnitPatch& patch, OrgUnit& next) {
  FieldErrors errors;
  if (patch.code) CheckCode(next.code = *patch.code, errors);
  if (patch.name) CheckName(next.name = *patch.name, errors);
  if (patch.timezone) CheckTimezone(next.timezone = *patch.timezone, errors);
  if (patch.floor_plan_file_id) {
    next.floor_plan_file_id = *patch.floor_plan_file_id;
    if (next.floor_plan_file_id) CheckFloorPlanFile(c, *next.floor_plan_file_id, errors);
  }
  errors.ThrowIfAny();
}

}  // namespace

std::optional<OrgUnit> FindOrgUnit(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectUnit) + " WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

OrgUnit GetOrgUnitInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto unit = FindOrgUnit(c, id);
  if (!unit || !scope.Contains(unit->id)) throw NotFound("org unit");
  return *unit;
}

std::vector<OrgUnit> ChildrenOf(db::Conn& c, int64_t id, bool active_only) {
  std::string sql = std::string(kSelectUnit) + " WHERE parent_id = ?";
  if (active_only) sql += " AND active = 1";
  std::vector<OrgUnit> out;
  for (const auto& row : c.Query(sql + " ORDER BY code, id", {id}))
    out.push_back(FromRow(row));
  return out;
}

std::optional<OrgUnit> FindAncestorOfKind(db::Conn& c, const OrgUnit& unit, std::string_view kind) {
  auto row = c.QueryOne(std::string(kSelectUnit) +
                            " WHERE kind = ? AND ? LIKE path || '%' ORDER BY path DESC LIMIT 1",
                        {std::string(kind), unit.path});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

void CheckRecordUnit(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id,
                     FieldErrors& errors) {
  auto unit = FindOrgUnit(c, unit_id);
  if (!unit || !scope.Contains(unit->id)) {
    errors.Add("org_unit_id", "单位不存在 / org unit not found");
  } else if (!unit->active) {
    errors.Add("org_unit_id", "单位已停用 / org unit is inactive");
  }
}

const std::vector<std::pair<std::string_view, std::string_view>>& OrgUnitSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"id", "id"},
      {"code", "code"},
      {"name", "name"},
      {"kind", "kind"},
      {"path", "path"},
      {"created_at", "created_at"},
      {"updated_at", "updated_at"}};
  return fields;
}

ListResult ListOrgUnits(db::Conn& c, const auth::AccessScope& scope, const OrgUnitFilter& filter,
                        const db::Page& page) {
  db::Where where;
  scope.Apply(where, "id");
  if (filter.kind) where.Add("kind = ?", {*filter.kind});
  if (filter.parent_id) where.Add("parent_id = ?", {*filter.parent_id});
  if (filter.active) where.Add("active = ?", {int64_t{*filter.active}});
  if (filter.q && !filter.q->empty()) where.Search({"code", "name"}, *filter.q);

  ListResult out;
  for (const auto& row :
       c.Query(kSelectUnit + where.Sql() + page.Sql(), page.Bind(where.params()))) {
    out.items.push_back(ToJson(FromRow(row)));
  }
  out.total =
      c.QueryInt("SELECT COUNT(*) FROM org_units" + where.Sql(), where.params()).value_or(0);
  return out;
}

OrgUnit CreateOrgUnit(db::Conn& c, const auth::AccessScope& scope, const OrgUnitInput& in) {
  FieldErrors errors;
  CheckCode(in.code, errors);
  CheckName(in.name, errors);
  CheckTimezone(in.timezone, errors);
  if (KindRank(in.kind) < 0) errors.Add("kind", "应为 group、park、plant、workshop 或 team");

  std::optional<OrgUnit> parent;
  if (in.parent_id) {
    parent = FindOrgUnit(c, *in.parent_id);
    if (!parent || !scope.Contains(parent->id)) {
      errors.Add("parent_id", "上级单位不存在 / parent not found");
      parent.reset();
    } else if (KindRank(in.kind) >= 0 && !CanHold(parent->kind, in.kind)) {
      errors.Add("kind", KindMismatch(parent->kind, in.kind));
    }
  } else if (!scope.all) {
    errors.Add("parent_id", "不能为空 / required");
  }
  errors.ThrowIfAny();
  if (parent && !parent->active) throw ParentInactive();
  EnsureCodeFree(c, in.code, 0);

  const int64_t now = NowMs();
  const int64_t id = c.Insert(
      kInsertUnit, {db::Opt(in.parent_id), in.kind, in.code, in.name, in.timezone, now, now});
  const std::string path = fmt::format("{}{}/", parent ? parent->path : "/", id);
  c.Exec("UPDATE org_units SET path = ? WHERE id = ?", {path, id});
  return *FindOrgUnit(c, id);
}

OrgUnit UpdateOrgUnit(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                      const OrgUnitPatch& patch) {
  const OrgUnit cur = GetOrgUnitInScope(c, scope, id);
  if (patch.version && *patch.version != cur.version) throw VersionConflict();

  OrgUnit next = cur;
  ApplyFields(c, patch, next);
  if (next.code != cur.code) EnsureCodeFree(c, next.code, cur.id);
  if (patch.active) next.active = *patch.active;
  if (patch.parent_id && *patch.parent_id != cur.parent_id) {
    next.path = NewPathForMove(c, scope, next, *patch.parent_id);
    next.parent_id = *patch.parent_id;
  }
  if (cur.active && !next.active) CheckDeactivation(c, cur);
  if (!cur.active && next.active) CheckReactivation(c, next);

  const int64_t changed =
      c.Exec(kUpdateUnit,
             {db::Opt(next.parent_id), next.code, next.name, next.timezone, next.path,
              db::Opt(next.floor_plan_file_id), int64_t{next.active}, NowMs(), id, cur.version});
  if (changed == 0) throw VersionConflict();
  if (next.path != cur.path) {
    c.Exec(kRewriteSubtree, {next.path, static_cast<int64_t>(cur.path.size() + 1), cur.path + "%"});
  }
  return *FindOrgUnit(c, id);
}

}  // namespace anxun::org
