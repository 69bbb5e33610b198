#include "inspection/plans.h"

#include "common/clock.h"
#include "common/error.h"

#include <algorithm>
#include <set>

namespace anxun::inspection {
namespace {

namespace json = boost::json;

constexpr size_t kMaxPoints = 500;
constexpr size_t kMaxAssignees = 100;
constexpr size_t kMaxExdates = 1000;
constexpr int64_t kMaxDurationMinutes = 7 * 24 * 60;

json::array IdsJson(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.push_back(id);
  return a;
}

std::vector<int64_t> QueryIds(db::Conn& c, std::string_view sql, int64_t id) {
  std::vector<int64_t> out;
  for (const auto& row : c.Query(sql, {id})) out.push_back(row.Int(0));
  return out;
}

void CheckVersion(const std::optional<int64_t>& sent, int64_t current) {
  if (sent && *sent != current) {
    throw Conflict("version_conflict", "记录已被他人修改 / the record was changed by someone else");
  }
}

// The unit of `unit_id` when it exists, is active and lies in `scope`.
bool UnitUsable(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id) {
  auto active = c.QueryInt("SELECT active FROM org_units WHERE id = ?", {unit_id});
  return active && *active != 0 && scope.Contains(unit_id);
}

std::string UnitTimezone(db::Conn& c, int64_t unit_id) {
  auto row = c.QueryOne("SELECT timezone FROM org_units WHERE id = ?", {unit_id});
  return row ? row->Str(0) : "Asia/Shanghai";
}

// Records a field error unless every point exists, is active and in scope;
// returns the org unit of the first point.
std::optional<int64_t> CheckPoints(db::Conn& c, const auth::AccessScope& scope,
                                   const std::vector<int64_t>& ids, std::string_view field,
                                   FieldErrors& errors) {
  if (ids.size() > kMaxPoints) {
    errors.Add(field, "最多 500 个点 / at most 500 points");
    return std::nullopt;
  }
  if (std::set<int64_t>(ids.begin(), ids.end()).size() != ids.size()) {
    errors.Add(field, "点重复 / duplicate points");
    return std::nullopt;
  }
  std::optional<int64_t> first_unit;
  for (int64_t id : ids) {
    auto row = c.QueryOne("SELECT org_unit_id, active FROM points WHERE id = ?", {id});
    if (!row || !row->Bool(1) || !scope.Contains(row->Int(0))) {
      errors.Add(field, "巡检点不存在或不可用 / unknown point " + std::to_string(id));
      return std::nullopt;
    }
    if (!first_unit) first_unit = row->Int(0);
  }
  return first_unit;
}

void CheckAssignees(db::Conn& c, const auth::AccessScope& scope, const std::vector<int64_t>& ids,
                    FieldErrors& errors) {
  if (ids.size() > kMaxAssignees) errors.Add("assignee_ids", "最多 100 人 / at most 100 users");
  for (int64_t id : ids) {
    auto row = c.QueryOne("SELECT org_unit_id, active FROM users WHERE id = ?", {id});
    if (!row || !row->Bool(1) || !scope.Contains(row->Int(0))) {
      errors.Add("assignee_ids", "用户不存在或不可用 / unknown user " + std::to_string(id));
      return;
    }
  }
}

void ReplaceRows(db::Conn& c, std::string_view table, std::string_view key, int64_t id,
                 const std::vector<int64_t>& ids, bool ordered) {
  c.Exec("DELETE FROM " + std::string(table) + " WHERE " + std::string(key) + " = ?", {id});
  int64_t seq = 0;
  for (int64_t other : ids) {
    if (ordered) {
      c.Exec("INSERT INTO " + std::string(table) + " (" + std::string(key) +
                 ", seq, point_id) VALUES (?, ?, ?)",
             {id, ++seq, other});
    } else {
      c.Exec("INSERT INTO " + std::string(table) + " (" + std::string(key) +
                 ", user_id) VALUES (?, ?)",
             {id, other});
    }
  }
}

// ---- templates --------------------------------------------------------------

const std::vector<std::string_view>& ItemKinds() {
  static const std::vector<std::string_view> kinds = {
      "pass_fail", "number", "choice", "multi_choice", "text", "datetime", "photo", "signature"};
  return kinds;
}

constexpr const char* kSelectTemplate =
    "SELECT t.id, t.org_unit_id, t.name, t.description, t.latest_version, t.active, t.version, "
    "t.created_at, t.updated_at, v.id, v.version_no, v.body_json FROM checklist_templates t "
    "JOIN checklist_template_versions v ON v.template_id = t.id";

Template TemplateFromRow(const db::Row& r) {
  Template t;
  t.id = r.Int(0);
  t.org_unit_id = r.Int(1);
  t.name = r.Str(2);
  t.description = r.Str(3);
  t.latest_version = r.Int(4);
  t.active = r.Bool(5);
  t.version = r.Int(6);
  t.created_at = r.Int(7);
  t.updated_at = r.Int(8);
  t.version_id = r.Int(9);
  t.version_no = r.Int(10);
  t.sections = json::parse(r.Str(11)).as_array();
  return t;
}

void CheckTemplateFields(const std::string& name, FieldErrors& errors) {
  if (name.empty()) errors.Add("name", "不能为空 / required");
}

int64_t PublishVersion(db::Conn& c, int64_t template_id, int64_t version_no,
                       const json::array& sections, int64_t user_id) {
  return c.Insert(
      "INSERT INTO checklist_template_versions (template_id, version_no, body_json, created_by, "
      "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
      {template_id, version_no, json::serialize(sections), user_id, NowMs()});
}

// ---- routes -----------------------------------------------------------------

constexpr const char* kSelectRoute =
    "SELECT id, org_unit_id, name, enforce_order, active, version, created_at, updated_at "
    "FROM inspection_routes";

Route RouteFromRow(db::Conn& c, const db::Row& r) {
  Route out;
  out.id = r.Int(0);
  out.org_unit_id = r.Int(1);
  out.name = r.Str(2);
  out.enforce_order = r.Bool(3);
  out.active = r.Bool(4);
  out.version = r.Int(5);
  out.created_at = r.Int(6);
  out.updated_at = r.Int(7);
  out.point_ids =
      QueryIds(c, "SELECT point_id FROM route_points WHERE route_id = ? ORDER BY seq", out.id);
  return out;
}

// ---- plans ------------------------------------------------------------------

constexpr const char* kSelectPlan =
    "SELECT p.id, p.org_unit_id, p.name, p.kind, p.route_id, p.template_id, p.rrule, p.dtstart, "
    "p.timezone, p.exdates_json, p.duration_minutes, p.grace_minutes, p.effective_until, "
    "p.active, p.generated_until, p.created_by, p.version, p.created_at, p.updated_at, "
    "p.assignee_role, p.assignee_unit_id FROM plans p";

Plan PlanFromRow(db::Conn& c, const db::Row& r) {
  Plan p;
  p.id = r.Int(0);
  p.org_unit_id = r.Int(1);
  p.name = r.Str(2);
  p.kind = r.Str(3);
  p.route_id = r.OptInt(4);
  p.template_id = r.OptInt(5);
  p.rrule = r.Str(6);
  p.dtstart = r.Int(7);
  p.timezone = r.Str(8);
  const json::value exdates = json::parse(r.Str(9));
  for (const auto& v : exdates.as_array()) p.exdates.emplace_back(v.as_string());
  p.duration_minutes = r.Int(10);
  p.grace_minutes = r.Int(11);
  p.effective_until = r.OptInt(12);
  p.active = r.Bool(13);
  p.generated_until = r.Int(14);
  p.created_by = r.OptInt(15);
  p.version = r.Int(16);
  p.created_at = r.Int(17);
  p.updated_at = r.Int(18);
  p.assignee_role = r.OptStr(19);
  p.assignee_unit_id = r.OptInt(20);
  p.point_ids =
      QueryIds(c, "SELECT point_id FROM plan_points WHERE plan_id = ? ORDER BY seq", p.id);
  p.assignee_ids =
      QueryIds(c, "SELECT user_id FROM plan_assignees WHERE plan_id = ? ORDER BY user_id", p.id);
  return p;
}

// Checks everything about a plan's schedule and targets; the org unit is filled in.
void CheckPlan(db::Conn& c, const auth::AccessScope& scope, Plan& p, FieldErrors& errors) {
  if (p.name.empty()) errors.Add("name", "不能为空 / required");
  if (!IsPlanKind(p.kind)) {
    errors.Add("kind", "应为 daily、special、holiday 或 special_period");
  }
  if (auto e = RruleError(p.rrule)) errors.Add("rrule", *e);
  if (p.duration_minutes < 1 || p.duration_minutes > kMaxDurationMinutes) {
    errors.Add("duration_minutes", "应为 1 至 10080 分钟 / must be 1..10080");
  }
  if (p.grace_minutes < 0 || p.grace_minutes > kMaxDurationMinutes) {
    errors.Add("grace_minutes", "应为 0 至 10080 分钟 / must be 0..10080");
  }
  if (p.effective_until && *p.effective_until <= p.dtstart) {
    errors.Add("effective_until", "应晚于 dtstart / must be after dtstart");
  }
  Recurrence r;
  ParseExdates(p.exdates, r, &errors);

  std::optional<int64_t> target_unit;
  if (p.route_id) {
    auto row = c.QueryOne("SELECT org_unit_id, active FROM inspection_routes WHERE id = ?",
                          {*p.route_id});
    if (!row || !row->Bool(1) || !scope.Contains(row->Int(0))) {
      errors.Add("route_id", "路线不存在或不可用 / unknown route");
    } else {
      target_unit = row->Int(0);
    }
    if (!p.point_ids.empty()) errors.Add("point_ids", "与 route_id 二选一 / give route_id or point_ids");
  } else if (p.point_ids.empty()) {
    errors.Add("point_ids", "需要巡检点或路线 / point_ids or route_id required");
  } else {
    target_unit = CheckPoints(c, scope, p.point_ids, "point_ids", errors);
  }
  if (p.template_id) {
    auto row = c.QueryOne("SELECT org_unit_id, active FROM checklist_templates WHERE id = ?",
                          {*p.template_id});
    if (!row || !row->Bool(1) || !scope.Contains(row->Int(0))) {
      errors.Add("template_id", "检查表不存在 / unknown template");
    }
  }
  CheckAssignees(c, scope, p.assignee_ids, errors);
  if (p.assignee_role) {
    if (!c.QueryInt("SELECT id FROM roles WHERE code = ? AND active = 1", {*p.assignee_role})) {
      errors.Add("assignee_role", "角色不存在 / unknown role");
    }
  } else if (p.assignee_unit_id) {
    errors.Add("assignee_unit_id", "需要 assignee_role / needs assignee_role");
  }
  if (p.assignee_unit_id && !UnitUsable(c, scope, *p.assignee_unit_id)) {
    errors.Add("assignee_unit_id", "单位不存在或不在你的范围内 / unknown unit");
  }

  if (p.org_unit_id == 0 && target_unit) p.org_unit_id = *target_unit;
  if (p.assignee_role && !p.assignee_unit_id && p.org_unit_id != 0) {
    p.assignee_unit_id = p.org_unit_id;
  }
  if (p.org_unit_id == 0) {
    if (errors.empty()) errors.Add("org_unit_id", "不能为空 / required");
  } else if (!UnitUsable(c, scope, p.org_unit_id)) {
    errors.Add("org_unit_id", "单位不存在或不在你的范围内 / unknown unit");
  } else {
    p.timezone = UnitTimezone(c, p.org_unit_id);
    if (!IsKnownTimezone(p.timezone)) errors.Add("org_unit_id", "单位时区未知 / unknown time zone");
  }
  if (!RruleError(p.rrule) && IsKnownTimezone(p.timezone)) {
    r.rrule = p.rrule;
    r.dtstart = p.dtstart;
    r.timezone = p.timezone;
    if (NextOccurrences(r, p.dtstart, 1).empty()) {
      errors.Add("rrule", "规则不会产生任何日期 / the rule never occurs");
    }
  }
}

void SavePlanLinks(db::Conn& c, const Plan& p) {
  ReplaceRows(c, "plan_points", "plan_id", p.id, p.point_ids, true);
  ReplaceRows(c, "plan_assignees", "plan_id", p.id, p.assignee_ids, false);
}

json::array ExdatesJson(const std::vector<std::string>& exdates) {
  json::array a;
  for (const auto& e : exdates) a.emplace_back(e);
  return a;
}

std::optional<int64_t> NullableInt(Body& b, std::string_view key, bool& present) {
  present = b.Has(key);
  return b.Int(key);
}

}  // namespace

bool IsItemKind(std::string_view kind) {
  const auto& k = ItemKinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

bool IsPlanKind(std::string_view kind) {
  return kind == "daily" || kind == "special" || kind == "holiday" || kind == "special_period";
}

// ---- templates --------------------------------------------------------------

json::array NormalizeSections(const json::array& in, FieldErrors& errors) {
  json::array out;
  if (in.empty()) errors.Add("sections", "至少一个分组 / at least one section");
  std::set<std::string> keys;
  for (size_t s = 0; s < in.size(); ++s) {
    std::string at = "sections[";
    at += std::to_string(s);
    at += ']';
    if (!in[s].is_object()) {
      errors.Add(at, "应为对象 / must be an object");
      continue;
    }
    const json::object& sec = in[s].as_object();
    json::object section;
    const json::value* title = sec.if_contains("title");
    section["title"] = title && title->is_string() ? title->as_string() : json::string("");
    const json::value* items = sec.if_contains("items");
    if (!items || !items->is_array() || items->as_array().empty()) {
      errors.Add(at + ".items", "至少一项 / at least one item");
      continue;
    }
    json::array norm;
    for (size_t i = 0; i < items->as_array().size(); ++i) {
      std::string iat = at;
      iat += ".items[";
      iat += std::to_string(i);
      iat += ']';
      const json::value& iv = items->as_array()[i];
      if (!iv.is_object()) {
        errors.Add(iat, "应为对象 / must be an object");
        continue;
      }
      json::object item = iv.as_object();
      const json::value* label = item.if_contains("label");
      if (!label || !label->is_string() || label->as_string().empty()) {
        errors.Add(iat + ".label", "不能为空 / required");
      }
      const json::value* kind = item.if_contains("kind");
      if (!kind || !kind->is_string() || !IsItemKind(kind->as_string())) {
        errors.Add(iat + ".kind",
                   "应为 pass_fail、number、choice、multi_choice、text、datetime、photo 或 "
                   "signature");
      } else if ((kind->as_string() == "choice" || kind->as_string() == "multi_choice")) {
        const json::value* opts = item.if_contains("options");
        if (!opts || !opts->is_array() || opts->as_array().empty() ||
            opts->as_array().size() > 20) {
          errors.Add(iat + ".options", "需要 1 至 20 个选项 / 1..20 options required");
        }
      }
      std::string key;
      if (const json::value* k = item.if_contains("key"); k && k->is_string()) {
        key = std::string(k->as_string());
      } else {
        key = std::string(1, 's') + std::to_string(s + 1);
        key += 'i';
        key += std::to_string(i + 1);
      }
      if (!keys.insert(key).second) errors.Add(iat + ".key", "重复 / duplicate key");
      item["key"] = key;
      if (!item.contains("criterion")) item["criterion"] = "";
      if (!item.contains("required")) item["required"] = true;
      if (const json::value* f = item.if_contains("on_fail"); f && !f->is_object()) {
        errors.Add(iat + ".on_fail", "应为对象 / must be an object");
      } else if (!f) {
        item["on_fail"] = json::object{{"require_photo", false},
                                       {"require_note", false},
                                       {"propose_hazard", false},
                                       {"mark_abnormal", true}};
      }
      norm.push_back(std::move(item));
    }
    section["items"] = std::move(norm);
    out.push_back(std::move(section));
  }
  return out;
}

Template GetTemplateInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                            int64_t version_no) {
  auto row = version_no > 0
                 ? c.QueryOne(std::string(kSelectTemplate) +
                                  " WHERE t.id = ? AND v.version_no = ?",
                              {id, version_no})
                 : c.QueryOne(std::string(kSelectTemplate) +
                                  " WHERE t.id = ? AND v.version_no = t.latest_version",
                              {id});
  if (!row) throw NotFound("checklist template");
  Template t = TemplateFromRow(*row);
  if (!scope.Contains(t.org_unit_id)) throw NotFound("checklist template");
  return t;
}

json::object ListTemplates(db::Conn& c, const auth::AccessScope& scope, const db::Page& page) {
  db::Where where;
  where.Add("v.version_no = t.latest_version");
  scope.Apply(where, "t.org_unit_id");
  json::array items;
  for (const auto& row : c.Query(std::string(kSelectTemplate) + where.Sql() + page.Sql(),
                                 page.Bind(where.params()))) {
    items.push_back(ToJson(TemplateFromRow(row)));
  }
  const int64_t total =
      c.QueryInt("SELECT COUNT(*) FROM checklist_templates t JOIN checklist_template_versions v "
                 "ON v.template_id = t.id" + where.Sql(),
                 where.params())
          .value_or(0);
  return {{"items", std::move(items)}, {"total", total}, {"page", page.page},
          {"page_size", page.page_size}};
}

Template CreateTemplate(db::Conn& c, const auth::AccessScope& scope, const TemplateInput& in,
                        int64_t user_id) {
  FieldErrors errors;
  CheckTemplateFields(in.name, errors);
  json::array sections = NormalizeSections(in.sections, errors);
  if (!UnitUsable(c, scope, in.org_unit_id)) {
    errors.Add("org_unit_id", "单位不存在或不在你的范围内 / unknown unit");
  }
  errors.ThrowIfAny();

  const int64_t now = NowMs();
  const int64_t id = c.Insert(
      "INSERT INTO checklist_templates (org_unit_id, name, description, latest_version, "
      "created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?) RETURNING id",
      {in.org_unit_id, in.name, in.description, now, now});
  PublishVersion(c, id, 1, sections, user_id);
  return GetTemplateInScope(c, scope, id);
}

Template UpdateTemplate(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                        const TemplatePatch& p, int64_t user_id) {
  Template t = GetTemplateInScope(c, scope, id);
  CheckVersion(p.version, t.version);
  FieldErrors errors;
  if (p.name) t.name = *p.name;
  if (p.description) t.description = *p.description;
  if (p.active) t.active = *p.active;
  CheckTemplateFields(t.name, errors);
  json::array sections;
  if (p.sections) sections = NormalizeSections(*p.sections, errors);
  errors.ThrowIfAny();

  if (p.sections) {
    t.latest_version += 1;
    PublishVersion(c, id, t.latest_version, sections, user_id);
  }
  c.Exec("UPDATE checklist_templates SET name = ?, description = ?, active = ?, "
         "latest_version = ?, version = version + 1, updated_at = ? WHERE id = ?",
         {t.name, t.description, int64_t{t.active}, t.latest_version, NowMs(), id});
  return GetTemplateInScope(c, scope, id);
}

json::object ToJson(const Template& t) {
  return {{"id", t.id},
          {"org_unit_id", t.org_unit_id},
          {"name", t.name},
          {"description", t.description},
          {"latest_version", t.latest_version},
          {"version_no", t.version_no},
          {"version_id", t.version_id},
          {"sections", t.sections},
          {"active", t.active},
          {"version", t.version},
          {"created_at", FormatRfc3339(t.created_at)},
          {"updated_at", FormatRfc3339(t.updated_at)}};
}

namespace {
std::optional<json::array> ReadSections(Body& b, bool required) {
  const json::value* v = b.Raw("sections");
  if (!v || v->is_null()) {
    if (required) b.Fail("sections", "不能为空 / required");
    return std::nullopt;
  }
  if (!v->is_array()) {
    b.Fail("sections", "应为数组 / must be an array");
    return std::nullopt;
  }
  return v->as_array();
}
}  // namespace

TemplateInput ReadTemplateInput(Body& b) {
  TemplateInput in;
  in.org_unit_id = b.Int("org_unit_id", true).value_or(0);
  in.name = b.Str("name", true).value_or("");
  in.description = b.Str("description", false, 2000).value_or("");
  in.sections = ReadSections(b, true).value_or(json::array());
  b.Done({"org_unit_id", "name", "description", "sections"});
  return in;
}

TemplatePatch ReadTemplatePatch(Body& b) {
  TemplatePatch p;
  p.name = b.Str("name");
  p.description = b.Str("description", false, 2000);
  p.sections = ReadSections(b, false);
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"name", "description", "sections", "active", "version"});
  return p;
}

// ---- routes -----------------------------------------------------------------

Route GetRouteInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectRoute) + " WHERE id = ?", {id});
  if (!row || !scope.Contains(row->Int(1))) throw NotFound("route");
  return RouteFromRow(c, *row);
}

json::object ListRoutes(db::Conn& c, const auth::AccessScope& scope, const db::Page& page) {
  db::Where where;
  scope.Apply(where, "org_unit_id");
  json::array items;
  for (const auto& row :
       c.Query(std::string(kSelectRoute) + where.Sql() + page.Sql(), page.Bind(where.params()))) {
    items.push_back(ToJson(RouteFromRow(c, row)));
  }
  const int64_t total =
      c.QueryInt("SELECT COUNT(*) FROM inspection_routes" + where.Sql(), where.params())
          .value_or(0);
  return {{"items", std::move(items)}, {"total", total}, {"page", page.page},
          {"page_size", page.page_size}};
}

Route CreateRoute(db::Conn& c, const auth::AccessScope& scope, const RouteInput& in) {
  FieldErrors errors;
  if (in.name.empty()) errors.Add("name", "不能为空 / required");
  if (in.point_ids.empty()) errors.Add("point_ids", "不能为空 / required");
  else CheckPoints(c, scope, in.point_ids, "point_ids", errors);
  if (!UnitUsable(c, scope, in.org_unit_id)) {
    errors.Add("org_unit_id", "单位不存在或不在你的范围内 / unknown unit");
  }
  errors.ThrowIfAny();
  const int64_t now = NowMs();
  const int64_t id = c.Insert(
      "INSERT INTO inspection_routes (org_unit_id, name, enforce_order, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {in.org_unit_id, in.name, int64_t{in.enforce_order}, now, now});
  ReplaceRows(c, "route_points", "route_id", id, in.point_ids, true);
  return GetRouteInScope(c, scope, id);
}

Route UpdateRoute(db::Conn& c, const auth::AccessScope& scope, int64_t id, const RoutePatch& p) {
  Route r = GetRouteInScope(c, scope, id);
  CheckVersion(p.version, r.version);
  FieldErrors errors;
  if (p.name) r.name = *p.name;
  if (p.enforce_order) r.enforce_order = *p.enforce_order;
  if (p.active) r.active = *p.active;
  if (r.name.empty()) errors.Add("name", "不能为空 / required");
  if (p.point_ids) {
    if (p.point_ids->empty()) errors.Add("point_ids", "不能为空 / required");
    else CheckPoints(c, scope, *p.point_ids, "point_ids", errors);
  }
  errors.ThrowIfAny();
  c.Exec("UPDATE inspection_routes SET name = ?, enforce_order = ?, active = ?, "
         "version = version + 1, updated_at = ? WHERE id = ?",
         {r.name, int64_t{r.enforce_order}, int64_t{r.active}, NowMs(), id});
  if (p.point_ids) ReplaceRows(c, "route_points", "route_id", id, *p.point_ids, true);
  return GetRouteInScope(c, scope, id);
}

json::object ToJson(const Route& r) {
  return {{"id", r.id},
          {"org_unit_id", r.org_unit_id},
          {"name", r.name},
          {"enforce_order", r.enforce_order},
          {"point_ids", IdsJson(r.point_ids)},
          {"active", r.active},
          {"version", r.version},
          {"created_at", FormatRfc3339(r.created_at)},
          {"updated_at", FormatRfc3339(r.updated_at)}};
}

RouteInput ReadRouteInput(Body& b) {
  RouteInput in;
  in.org_unit_id = b.Int("org_unit_id", true).value_or(0);
  in.name = b.Str("name", true).value_or("");
  in.enforce_order = b.Bool("enforce_order").value_or(false);
  in.point_ids = b.IntList("point_ids", true).value_or(std::vector<int64_t>{});
  b.Done({"org_unit_id", "name", "enforce_order", "point_ids"});
  return in;
}

RoutePatch ReadRoutePatch(Body& b) {
  RoutePatch p;
  p.name = b.Str("name");
  p.enforce_order = b.Bool("enforce_order");
  p.point_ids = b.IntList("point_ids");
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"name", "enforce_order", "point_ids", "active", "version"});
  return p;
}

// ---- plans ------------------------------------------------------------------

json::array DefaultPlanTemplates() {
  struct Row {
    const char* code;
    const char* name;
    const char* kind;
    const char* rrule;
    int64_t duration;
    int64_t grace;
    const char* basis;
  };
  static const Row kRows[] = {
      {"operator_key_hourly", "操作人员巡检（两重点一重大装置）", "daily", "FREQ=HOURLY", 50, 10,
       "操作人员：两重点一重大装置每小时不少于一次"},
      {"operator_2h", "操作人员巡检（其他装置）", "daily", "FREQ=HOURLY;INTERVAL=2", 100, 20,
       "操作人员：其他装置每 2 小时不少于一次（通行做法）"},
      {"technical_twice_daily", "专业技术人员巡检（工艺、设备、电气、仪表）", "daily",
       "FREQ=DAILY;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0", 120, 60,
       "基层单位专业技术人员每天不少于两次"},
      {"plant_monthly", "厂级综合检查", "special", "FREQ=MONTHLY;BYMONTHDAY=1", 7 * 24 * 60, 0,
       "厂级每月不少于一次"},
      {"seasonal_quarterly", "季节性检查", "special", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1",
       14 * 24 * 60 / 2, 0, "季节性检查每季度一次"},
      {"holiday_before", "节假日前检查", "holiday", "FREQ=YEARLY;BYMONTH=1,4,5,9;BYMONTHDAY=25",
       3 * 24 * 60, 0, "重大节假日、重大活动前；日期按节假日日历调整"},
      {"comprehensive_half_year", "企业综合性检查", "special", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=1",
       7 * 24 * 60, 0, "企业每半年不少于一次；厂级每季度不少于一次"},
      {"special_period", "特殊时段检查（极端天气等）", "special_period", "FREQ=DAILY;COUNT=3", 240,
       60, "新法规标准、周边重大变化、同类企业事故后及极端天气时"},
  };
  json::array out;
  for (const Row& r : kRows) {
    out.push_back(json::object{{"code", r.code},
                               {"name", r.name},
                               {"kind", r.kind},
                               {"rrule", r.rrule},
                               {"duration_minutes", r.duration},
                               {"grace_minutes", r.grace},
                               {"basis", r.basis}});
  }
  return out;
}

void ParseExdates(const std::vector<std::string>& in, Recurrence& out, FieldErrors* errors) {
  if (in.size() > kMaxExdates && errors) errors->Add("exdates", "最多 1000 个 / at most 1000");
  for (const auto& e : in) {
    if (e.size() == 10 && e[4] == '-' && e[7] == '-' &&
        ParseRfc3339(e + "T00:00:00Z").has_value()) {
      out.exdays.push_back(e);
    } else if (auto ms = ParseRfc3339(e)) {
      out.exdates.push_back(*ms);
    } else if (errors) {
      errors->Add("exdates", "应为 RFC 3339 时间或 YYYY-MM-DD 日期 / RFC 3339 instant or date");
      return;
    }
  }
}

Recurrence Plan::recurrence() const {
  Recurrence r;
  r.rrule = rrule;
  r.dtstart = dtstart;
  r.timezone = timezone;
  ParseExdates(exdates, r, nullptr);
  return r;
}

std::optional<Plan> FindPlan(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectPlan) + " WHERE p.id = ?", {id});
  if (!row) return std::nullopt;
  return PlanFromRow(c, *row);
}

Plan GetPlanInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto p = FindPlan(c, id);
  if (!p || !scope.Contains(p->org_unit_id)) throw NotFound("plan");
  return *p;
}

std::vector<int64_t> ActivePlanIds(db::Conn& c) {
  std::vector<int64_t> out;
  for (const auto& row : c.Query("SELECT id FROM plans WHERE active = 1 ORDER BY id")) {
    out.push_back(row.Int(0));
  }
  return out;
}

std::vector<int64_t> ResolveAssignees(db::Conn& c, const Plan& p) {
  std::set<int64_t> ids(p.assignee_ids.begin(), p.assignee_ids.end());
  if (p.assignee_role && p.assignee_unit_id) {
    for (const auto& r : c.Query(
             "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id "
             "JOIN roles r ON r.id = ur.role_id JOIN org_units o ON o.id = u.org_unit_id "
             "JOIN org_units top ON top.id = ? "
             "WHERE r.code = ? AND r.active = 1 AND u.active = 1 AND u.is_service = 0 "
             "AND o.path LIKE top.path || '%'",
             {*p.assignee_unit_id, *p.assignee_role})) {
      ids.insert(r.Int(0));
    }
  }
  return {ids.begin(), ids.end()};
}

std::vector<int64_t> PlanPointIds(db::Conn& c, const Plan& p) {
  if (p.route_id) {
    return QueryIds(c, "SELECT point_id FROM route_points WHERE route_id = ? ORDER BY seq",
                    *p.route_id);
  }
  return p.point_ids;
}

const std::vector<std::pair<std::string_view, std::string_view>>& PlanSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"id", "p.id"}, {"name", "p.name"}, {"kind", "p.kind"}, {"created_at", "p.created_at"}};
  return fields;
}

json::object ListPlans(db::Conn& c, const auth::AccessScope& scope, const PlanFilter& f,
                       const db::Page& page) {
  db::Where where;
  scope.Apply(where, "p.org_unit_id");
  if (f.kind) where.Add("p.kind = ?", {*f.kind});
  if (f.active) where.Add("p.active = ?", {int64_t{*f.active}});
  if (f.org_unit_id) where.Add("p.org_unit_id = ?", {*f.org_unit_id});
  if (f.q && !f.q->empty()) where.Search({"p.name"}, *f.q);
  json::array items;
  for (const auto& row :
       c.Query(std::string(kSelectPlan) + where.Sql() + page.Sql(), page.Bind(where.params()))) {
    items.push_back(ToJson(PlanFromRow(c, row)));
  }
  const int64_t total =
      c.QueryInt("SELECT COUNT(*) FROM plans p" + where.Sql(), where.params()).value_or(0);
  return {{"items", std::move(items)}, {"total", total}, {"page", page.page},
          {"page_size", page.page_size}};
}

Plan CreatePlan(db::Conn& c, const auth::AccessScope& scope, const PlanInput& in,
                int64_t user_id, int64_t now) {
  Plan p;
  p.name = in.name;
  p.kind = in.kind;
  p.org_unit_id = in.org_unit_id.value_or(0);
  p.route_id = in.route_id;
  p.point_ids = in.point_ids;
  p.template_id = in.template_id;
  p.assignee_ids = in.assignee_ids;
  p.assignee_role = in.assignee_role;
  p.assignee_unit_id = in.assignee_unit_id;
  std::sort(p.assignee_ids.begin(), p.assignee_ids.end());
  p.assignee_ids.erase(std::unique(p.assignee_ids.begin(), p.assignee_ids.end()),
                       p.assignee_ids.end());
  p.rrule = in.rrule;
  p.dtstart = in.dtstart;
  p.exdates = in.exdates;
  p.duration_minutes = in.duration_minutes;
  p.grace_minutes = in.grace_minutes;
  p.effective_until = in.effective_until;

  FieldErrors errors;
  CheckPlan(c, scope, p, errors);
  errors.ThrowIfAny();

  // Tasks are created for occurrences from now on, never for a past the plan did not exist in.
  p.generated_until = std::max(now, p.dtstart);
  p.id = c.Insert(
      "INSERT INTO plans (org_unit_id, name, kind, route_id, template_id, assignee_role, "
      "assignee_unit_id, rrule, dtstart, "
      "timezone, exdates_json, duration_minutes, grace_minutes, effective_until, active, "
      "generated_until, created_by, created_at, updated_at) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
      {p.org_unit_id, p.name, p.kind, db::Opt(p.route_id), db::Opt(p.template_id),
       db::Opt(p.assignee_role), db::Opt(p.assignee_unit_id), p.rrule,
       p.dtstart, p.timezone, json::serialize(ExdatesJson(p.exdates)), p.duration_minutes,
       p.grace_minutes, db::Opt(p.effective_until), p.generated_until, user_id, now, now});
  SavePlanLinks(c, p);
  return *FindPlan(c, p.id);
}

Plan UpdatePlan(db::Conn& c, const auth::AccessScope& scope, int64_t id, const PlanPatch& patch) {
  Plan p = GetPlanInScope(c, scope, id);
  CheckVersion(patch.version, p.version);
  if (patch.name) p.name = *patch.name;
  if (patch.kind) p.kind = *patch.kind;
  if (patch.route_id) {
    p.route_id = *patch.route_id;
    if (p.route_id && !patch.point_ids) p.point_ids.clear();
  }
  if (patch.point_ids) {
    p.point_ids = *patch.point_ids;
    if (!p.point_ids.empty() && !patch.route_id) p.route_id.reset();
  }
  if (patch.template_id) p.template_id = *patch.template_id;
  if (patch.assignee_ids) {
    p.assignee_ids = *patch.assignee_ids;
    std::sort(p.assignee_ids.begin(), p.assignee_ids.end());
    p.assignee_ids.erase(std::unique(p.assignee_ids.begin(), p.assignee_ids.end()),
                         p.assignee_ids.end());
  }
  if (patch.assignee_role) p.assignee_role = *patch.assignee_role;
  if (patch.assignee_unit_id) p.assignee_unit_id = *patch.assignee_unit_id;
  if (patch.rrule) p.rrule = *patch.rrule;
  if (patch.dtstart) p.dtstart = *patch.dtstart;
  if (patch.exdates) p.exdates = *patch.exdates;
  if (patch.duration_minutes) p.duration_minutes = *patch.duration_minutes;
  if (patch.grace_minutes) p.grace_minutes = *patch.grace_minutes;
  if (patch.effective_until) p.effective_until = *patch.effective_until;
  if (patch.active) p.active = *patch.active;

  FieldErrors errors;
  CheckPlan(c, scope, p, errors);
  errors.ThrowIfAny();

  c.Exec("UPDATE plans SET name = ?, kind = ?, route_id = ?, template_id = ?, "
         "assignee_role = ?, assignee_unit_id = ?, rrule = ?, "
         "dtstart = ?, exdates_json = ?, duration_minutes = ?, grace_minutes = ?, "
         "effective_until = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ?",
         {p.name, p.kind, db::Opt(p.route_id), db::Opt(p.template_id), db::Opt(p.assignee_role),
          db::Opt(p.assignee_unit_id), p.rrule, p.dtstart,
          json::serialize(ExdatesJson(p.exdates)), p.duration_minutes, p.grace_minutes,
          db::Opt(p.effective_until), int64_t{p.active}, NowMs(), id});
  SavePlanLinks(c, p);
  return *FindPlan(c, id);
}

json::object ToJson(const Plan& p) {
  json::object o{{"id", p.id},
                 {"org_unit_id", p.org_unit_id},
                 {"name", p.name},
                 {"kind", p.kind},
                 {"route_id", OptJson(p.route_id)},
                 {"template_id", OptJson(p.template_id)},
                 {"point_ids", IdsJson(p.point_ids)},
                 {"assignee_ids", IdsJson(p.assignee_ids)},
                 {"assignee_role", OptJson(p.assignee_role)},
                 {"assignee_unit_id", OptJson(p.assignee_unit_id)},
                 {"rrule", p.rrule},
                 {"dtstart", FormatRfc3339(p.dtstart)},
                 {"timezone", p.timezone},
                 {"exdates", ExdatesJson(p.exdates)},
                 {"duration_minutes", p.duration_minutes},
                 {"grace_minutes", p.grace_minutes},
                 {"effective_until", OptTimeJson(p.effective_until)},
                 {"active", p.active},
                 {"generated_until", FormatRfc3339(p.generated_until)},
                 {"version", p.version},
                 {"created_at", FormatRfc3339(p.created_at)},
                 {"updated_at", FormatRfc3339(p.updated_at)}};
  o["description"] = DescribeRule(p.rrule, p.dtstart, p.timezone);
  return o;
}

PlanInput ReadPlanInput(Body& b) {
  PlanInput in;
  in.name = b.Str("name", true).value_or("");
  in.kind = b.Str("kind").value_or("daily");
  in.org_unit_id = b.Int("org_unit_id");
  in.route_id = b.Int("route_id");
  in.point_ids = b.IntList("point_ids").value_or(std::vector<int64_t>{});
  in.template_id = b.Int("template_id");
  in.assignee_ids = b.IntList("assignee_ids").value_or(std::vector<int64_t>{});
  in.assignee_role = b.Str("assignee_role");
  in.assignee_unit_id = b.Int("assignee_unit_id");
  in.rrule = b.Str("rrule", true, 500).value_or("");
  in.dtstart = b.Time("dtstart", true).value_or(0);
  in.exdates = b.StrList("exdates").value_or(std::vector<std::string>{});
  in.duration_minutes = b.Int("duration_minutes").value_or(60);
  in.grace_minutes = b.Int("grace_minutes").value_or(0);
  in.effective_until = b.Time("effective_until");
  b.Done({"name", "kind", "org_unit_id", "route_id", "point_ids", "template_id", "assignee_ids",
          "assignee_role", "assignee_unit_id", "rrule", "dtstart", "exdates", "duration_minutes",
          "grace_minutes", "effective_until"});
  return in;
}

PlanPatch ReadPlanPatch(Body& b) {
  PlanPatch p;
  bool present = false;
  p.name = b.Str("name");
  p.kind = b.Str("kind");
  if (auto v = NullableInt(b, "route_id", present); present) p.route_id = v;
  p.point_ids = b.IntList("point_ids");
  if (auto v = NullableInt(b, "template_id", present); present) p.template_id = v;
  p.assignee_ids = b.IntList("assignee_ids");
  if (b.Has("assignee_role")) p.assignee_role = b.Str("assignee_role");
  if (auto v = NullableInt(b, "assignee_unit_id", present); present) p.assignee_unit_id = v;
  p.rrule = b.Str("rrule", false, 500);
  p.dtstart = b.Time("dtstart");
  p.exdates = b.StrList("exdates");
  p.duration_minutes = b.Int("duration_minutes");
  p.grace_minutes = b.Int("grace_minutes");
  if (b.Has("effective_until")) p.effective_until = b.Time("effective_until");
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"name", "kind", "route_id", "point_ids", "template_id", "assignee_ids",
          "assignee_role", "assignee_unit_id", "rrule", "dtstart", "exdates", "duration_minutes", "grace_minutes", "effective_until", "active",
          "version"});
  return p;
}

}  // namespace anxun::inspection
