#include "org/points.h"

#include "common/clock.h"
#include "common/error.h"
#include "org/areas.h"
#include "org/fields.h"

#include <fmt/format.h>

#include <map>

namespace anxun::org {
namespace {

// The one SELECT behind the list, the detail and the labels: area and
// responsible names come from primary-key lookups.
constexpr const char* kSelectPoint =
    "SELECT p.id, p.org_unit_id, p.area_id, a.name, p.code, p.name, p.kind, p.description, "
    "p.x, p.y, p.responsible_user_id, u.display_name, p.nfc_uid, p.latitude, p.longitude, "
    "p.radius_m, p.active, p.version, p.created_at, p.updated_at "
    "FROM points p LEFT JOIN areas a ON a.id = p.area_id "
    "LEFT JOIN users u ON u.id = p.responsible_user_id";

constexpr const char* kCountPoints = "SELECT COUNT(*) FROM points p";

// Units at or under `?` (the org_unit_id filter).
constexpr const char* kUnitAndDescendants =
    "p.org_unit_id IN (SELECT d.id FROM org_units d, org_units r "
    "WHERE r.id = ? AND d.path LIKE r.path || '%')";

constexpr const char* kInsertPoint =
    "INSERT INTO points (org_unit_id, area_id, code, name, kind, description, x, y, "
    "responsible_user_id, nfc_uid, latitude, longitude, radius_m, active, version, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id";

constexpr const char* kUpdatePoint =
    "UPDATE points SET area_id = ?, code = ?, name = ?, kind = ?, description = ?, x = ?, y = ?, "
    "responsible_user_id = ?, nfc_uid = ?, latitude = ?, longitude = ?, radius_m = ?, "
    "active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?";

constexpr const char* kActiveUser = "SELECT active FROM users WHERE id = ?";

Point FromRow(const db::Row& r) {
  Point p;
  p.id = r.Int(0);
  p.org_unit_id = r.Int(1);
  p.area_id = r.OptInt(2);
  p.area_name = r.OptStr(3);
  p.code = r.Str(4);
  p.name = r.Str(5);
  p.kind = r.Str(6);
  p.description = r.Str(7);
  p.x = r.OptReal(8);
  p.y = r.OptReal(9);
  p.responsible_user_id = r.OptInt(10);
  p.responsible_name = r.OptStr(11);
  p.nfc_uid = r.OptStr(12);
  p.latitude = r.OptReal(13);
  p.longitude = r.OptReal(14);
  p.radius_m = r.OptReal(15);
  p.active = r.Bool(16);
  p.version = r.Int(17);
  p.created_at = r.Int(18);
  p.updated_at = r.Int(19);
  return p;
}

bool InRange(const std::optional<double>& v, double lo, double hi) {
  return !v || (*v >= lo && *v <= hi);
}

void CheckPlainFields(const Point& p, FieldErrors& errors) {
  if (!IsValidCode(p.code)) errors.Add("code", kCodeRule);
  if (p.name.empty()) errors.Add("name", "不能为空 / required");
  if (!IsPointKind(p.kind)) errors.Add("kind", "未知类型 / unknown kind");
  if (!IsFraction(p.x)) errors.Add("x", "应在 0 到 1 之间 / must be within 0..1");
  if (!IsFraction(p.y)) errors.Add("y", "应在 0 到 1 之间 / must be within 0..1");
  if (!InRange(p.latitude, -90, 90)) {
    errors.Add("latitude", "应在 -90 到 90 之间 / must be within -90..90");
  }
  if (!InRange(p.longitude, -180, 180)) {
    errors.Add("longitude", "应在 -180 到 180 之间 / must be within -180..180");
  }
  if (!InRange(p.radius_m, 1, 10000)) {
    errors.Add("radius_m", "应在 1 到 10000 米之间 / must be within 1..10000 m");
  }
  if (p.latitude.has_value() != p.longitude.has_value()) {
    errors.Add(p.latitude ? "longitude" : "latitude",
               "经纬度应同时填写 / latitude and longitude go together");
  }
}

// Area and responsible user must exist; the area must belong to the point's
// unit. On an update only the references that change are checked, so that a
// since-deactivated responsible user does not block editing the name.
void CheckReferences(db::Conn& c, const Point& p, FieldErrors& errors,
                     const Point* before = nullptr) {
  if (p.area_id && (!before || before->area_id != p.area_id)) {
    auto area = FindArea(c, *p.area_id);
    if (!area) {
      errors.Add("area_id", "区域不存在 / area not found");
    } else if (area->org_unit_id != p.org_unit_id) {
      errors.Add("area_id", "区域不属于该单位 / the area belongs to another unit");
    }
  }
  if (p.responsible_user_id && (!before || before->responsible_user_id != p.responsible_user_id)) {
    auto active = c.QueryInt(kActiveUser, {*p.responsible_user_id});
    if (!active)
      errors.Add("responsible_user_id", "用户不存在 / user not found");
    else if (*active == 0)
      errors.Add("responsible_user_id", "用户已停用 / user is inactive");
  }
}

void EnsureUnique(db::Conn& c, const Point& p, int64_t self_id) {
  auto same_code = c.QueryInt("SELECT id FROM points WHERE code = ?", {p.code});
  if (same_code && *same_code != self_id) throw DuplicateCode(p.code);
  if (!p.nfc_uid) return;
  auto same_tag = c.QueryInt("SELECT id FROM points WHERE nfc_uid = ?", {*p.nfc_uid});
  if (same_tag && *same_tag != self_id) {
    throw Conflict(
        "duplicate_nfc_uid",
        fmt::format("NFC 标签 {} 已绑定其他巡检点 / NFC tag {} is bound to another point",
                    *p.nfc_uid, *p.nfc_uid),
        {{"field", "nfc_uid"}, {"point_id", *same_tag}});
  }
}

Point FromInput(const PointInput& in) {
  Point p;
  p.org_unit_id = in.org_unit_id;
  p.area_id = in.area_id;
  p.code = in.code;
  p.name = in.name;
  p.kind = in.kind;
  p.description = in.description;
  p.x = in.x;
  p.y = in.y;
  p.responsible_user_id = in.responsible_user_id;
  p.nfc_uid = in.nfc_uid;
  p.latitude = in.latitude;
  p.longitude = in.longitude;
  p.radius_m = in.radius_m;
  return p;
}

template <class T>
void Merge(T& field, const std::optional<T>& patch) {
  if (patch) field = *patch;
}

Point Merged(Point p, const PointPatch& patch) {
  Merge(p.area_id, patch.area_id);
  Merge(p.code, patch.code);
  Merge(p.name, patch.name);
  Merge(p.kind, patch.kind);
  Merge(p.description, patch.description);
  Merge(p.x, patch.x);
  Merge(p.y, patch.y);
  Merge(p.responsible_user_id, patch.responsible_user_id);
  Merge(p.nfc_uid, patch.nfc_uid);
  Merge(p.latitude, patch.latitude);
  Merge(p.longitude, patch.longitude);
  Merge(p.radius_m, patch.radius_m);
  Merge(p.active, patch.active);
  return p;
}

}  // namespace

std::optional<Point> FindPoint(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectPoint) + " WHERE p.id = ?", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

Point GetPointInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto point = FindPoint(c, id);
  if (!point || !scope.Contains(point->org_unit_id)) throw NotFound("point");
  return *point;
}

std::vector<Point> GetPointsInScope(db::Conn& c, const auth::AccessScope& scope,
                                    const std::vector<int64_t>& ids) {
  db::Where where;
  where.In("p.id", ids);
  std::map<int64_t, Point> found;
  for (const auto& row : c.Query(kSelectPoint + where.Sql(), where.params())) {
    Point p = FromRow(row);
    if (scope.Contains(p.org_unit_id)) found.emplace(p.id, std::move(p));
  }

  std::vector<Point> out;
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it == found.end()) throw NotFound("point");
    out.push_back(it->second);
  }
  return out;
}

const std::vector<std::pair<std::string_view, std::string_view>>& PointSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"id", "p.id"},
      {"code", "p.code"},
      {"name", "p.name"},
      {"kind", "p.kind"},
      {"area_name", "a.name"},
      {"created_at", "p.created_at"},
      {"updated_at", "p.updated_at"}};
  return fields;
}

std::string ListPointsJson(db::Conn& c, const auth::AccessScope& scope, const PointFilter& filter,
                           const db::Page& page) {
  db::Where where;
  scope.Apply(where, "p.org_unit_id");
  if (filter.org_unit_id) where.Add(kUnitAndDescendants, {*filter.org_unit_id});
  if (filter.area_id) where.Add("p.area_id = ?", {*filter.area_id});
  if (filter.kind) where.Add("p.kind = ?", {*filter.kind});
  if (filter.active) where.Add("p.active = ?", {int64_t{*filter.active}});
  if (filter.q && !filter.q->empty()) where.Search({"p.code", "p.name"}, *filter.q);

  const auto rows = c.Query(kSelectPoint + where.Sql() + page.Sql(), page.Bind(where.params()));
  std::string out;
  out.reserve(96 + rows.size() * 512);
  out += "{\"items\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) out.push_back(',');
    AppendJson(out, FromRow(rows[i]));
  }

  // A short first page is the whole result: no need to count.
  const bool complete = page.Offset() == 0 && static_cast<int64_t>(rows.size()) < page.page_size;
  const int64_t total = complete
                            ? static_cast<int64_t>(rows.size())
                            : c.QueryInt(kCountPoints + where.Sql(), where.params()).value_or(0);
  out += fmt::format("],\"total\":{},\"page\":{},\"page_size\":{}}}", total, page.page,
                     page.page_size);
  return out;
}

Point CreatePoint(db::Conn& c, const auth::AccessScope& scope, const PointInput& in) {
  const Point p = FromInput(in);
  FieldErrors errors;
  CheckPlainFields(p, errors);
  CheckRecordUnit(c, scope, p.org_unit_id, errors);
  CheckReferences(c, p, errors);
  errors.ThrowIfAny();
  EnsureUnique(c, p, 0);

  const int64_t now = NowMs();
  const int64_t id = c.Insert(
      kInsertPoint, {p.org_unit_id, db::Opt(p.area_id), p.code, p.name, p.kind, p.description,
                     db::Opt(p.x), db::Opt(p.y), db::Opt(p.responsible_user_id), db::Opt(p.nfc_uid),
                     db::Opt(p.latitude), db::Opt(p.longitude), db::Opt(p.radius_m), now, now});
  return *FindPoint(c, id);
}

Point UpdatePoint(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                  const PointPatch& patch) {
  const Point cur = GetPointInScope(c, scope, id);
  if (patch.version && *patch.version != cur.version) throw VersionConflict();

  const Point next = Merged(cur, patch);
  FieldErrors errors;
  CheckPlainFields(next, errors);
  CheckReferences(c, next, errors, &cur);
  errors.ThrowIfAny();
  EnsureUnique(c, next, cur.id);

  const int64_t changed = c.Exec(
      kUpdatePoint, {db::Opt(next.area_id), next.code, next.name, next.kind, next.description,
                     db::Opt(next.x), db::Opt(next.y), db::Opt(next.responsible_user_id),
                     db::Opt(next.nfc_uid), db::Opt(next.latitude), db::Opt(next.longitude),
                     db::Opt(next.radius_m), int64_t{next.active}, NowMs(), id, cur.version});
  if (changed == 0) throw VersionConflict();
  return *FindPoint(c, id);
}

}  // namespace anxun::org
