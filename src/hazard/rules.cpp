#include "hazard/rules.h"

#include "common/clock.h"
#include "common/error.h"
#include "hazard/hazards.h"
#include "hazard/workflow.h"
#include "org/org_units.h"

namespace anxun::hazard {
namespace {

constexpr const char* kSelectRule =
    "SELECT r.id, r.org_unit_id, u.name, r.level, r.hours FROM hazard_deadline_rules r "
    "LEFT JOIN org_units u ON u.id = r.org_unit_id";

constexpr int64_t kMaxHours = 24 * 366;

Rule FromRow(const db::Row& row) {
  Rule r;
  r.id = row.Int(0);
  r.org_unit_id = row.OptInt(1);
  r.org_unit_name = row.Str(2);
  r.level = row.Str(3);
  r.hours = row.OptInt(4);
  return r;
}

std::optional<Rule> FindRule(db::Conn& c, const std::optional<int64_t>& unit,
                             const std::string& level) {
  auto row =
      unit ? c.QueryOne(std::string(kSelectRule) + " WHERE r.org_unit_id = ? AND r.level = ?",
                        {*unit, level})
           : c.QueryOne(std::string(kSelectRule) + " WHERE r.org_unit_id IS NULL AND r.level = ?",
                        {level});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

}  // namespace

std::vector<Rule> ListRules(db::Conn& c, const auth::AccessScope& scope) {
  std::vector<Rule> out;
  for (const auto& row :
       c.Query(std::string(kSelectRule) + " ORDER BY r.org_unit_id IS NOT NULL, u.path, r.level")) {
    Rule r = FromRow(row);
    if (!r.org_unit_id || scope.Contains(*r.org_unit_id)) out.push_back(std::move(r));
  }
  return out;
}

boost::json::object EffectiveRules(db::Conn& c, int64_t org_unit_id) {
  boost::json::object out;
  for (auto level : Levels()) {
    auto hours = DefaultDeadlineHours(c, org_unit_id, std::string(level));
    out[level] = hours ? boost::json::value(*hours) : boost::json::value(nullptr);
  }
  return out;
}

std::pair<std::optional<Rule>, Rule> SetRule(db::Conn& c, const auth::AccessScope& scope, Body& b) {
  auto unit = b.Int("org_unit_id");
  auto level = b.Str("level", true);
  auto hours = b.Int("hours");
  if (!b.Has("hours"))
    b.Fail("hours", "不能为空（null 表示按治理方案）/ required (null: from the plan)");
  if (level && !IsOneOf(Levels(), *level)) b.Fail("level", "未知取值 / unknown value");
  if (hours && (*hours < 1 || *hours > kMaxHours)) {
    b.Fail("hours", "应在 1 到 8784 小时之间 / must be within 1..8784 hours");
  }
  if (unit) {
    auto u = org::FindOrgUnit(c, *unit);
    if (!u || !scope.Contains(*unit)) b.Fail("org_unit_id", "单位不存在 / org unit not found");
  } else if (!scope.all) {
    b.Fail("org_unit_id", "修改系统默认规则需要全局权限 / the product default needs scope `all`");
  }
  b.Done({"org_unit_id", "level", "hours"});

  auto before = FindRule(c, unit, *level);
  if (before) {
    c.Exec("UPDATE hazard_deadline_rules SET hours = ?, updated_at = ? WHERE id = ?",
           {db::Opt(hours), NowMs(), before->id});
  } else {
    c.Exec(
        "INSERT INTO hazard_deadline_rules (org_unit_id, level, hours, updated_at) "
        "VALUES (?, ?, ?, ?)",
        {db::Opt(unit), *level, db::Opt(hours), NowMs()});
  }
  return {before, *FindRule(c, unit, *level)};
}

Rule DeleteRule(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectRule) + " WHERE r.id = ?", {id});
  if (!row) throw NotFound("rule");
  Rule r = FromRow(*row);
  if (!r.org_unit_id) {
    throw BadRequest("default_rule", "系统默认规则不能删除 / the product default stays");
  }
  if (!scope.Contains(*r.org_unit_id)) throw NotFound("rule");
  c.Exec("DELETE FROM hazard_deadline_rules WHERE id = ?", {id});
  return r;
}

boost::json::object ToJson(const Rule& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["org_unit_id"] = OptJson(r.org_unit_id);
  o["org_unit_name"] =
      r.org_unit_id ? boost::json::value(r.org_unit_name) : boost::json::value(nullptr);
  o["level"] = r.level;
  o["hours"] = OptJson(r.hours);
  return o;
}

}  // namespace anxun::hazard
