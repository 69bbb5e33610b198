#include "alert/routing_config.h"

#include "alert/escalation.h"
#include "alert/routing.h"
#include "common/error.h"
#include "common/json.h"
#include "org/fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace anxun::alert {
namespace {

namespace json = boost::json;

constexpr int64_t kMaxAfterS = 30LL * 24 * 3600;
constexpr int64_t kMaxSuperviseS = 90LL * 24 * 3600;
constexpr size_t kMaxRoles = 20;
constexpr size_t kMaxUsers = 50;

// Reads one nested object, naming errors "<prefix>.<key>".
class Reader {
 public:
  Reader(const json::object& o, std::string prefix, FieldErrors& errors)
      : o_(o), prefix_(std::move(prefix)), errors_(errors) {}

  void Fail(std::string_view key, std::string_view message) {
    errors_.Add(prefix_ + std::string(key), message);
  }
  void Known(std::initializer_list<std::string_view> keys) {
    for (const auto& kv : o_) {
      if (std::find(keys.begin(), keys.end(), kv.key()) == keys.end())
        Fail(kv.key(), "unknown field");
    }
  }
  std::optional<int64_t> Int(std::string_view key, bool required, int64_t min, int64_t max) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) Fail(key, "必填 / required");
      return std::nullopt;
    }
    if (!v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
      Fail(key, fmt::format("应为 {} 到 {} 的整数 / must be an integer within {}..{}", min, max,
                            min, max));
      return std::nullopt;
    }
    return v->as_int64();
  }
  std::optional<bool> Bool(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_bool()) Fail(key, "应为布尔值 / must be true or false");
    return v->is_bool() ? std::optional<bool>(v->as_bool()) : std::nullopt;
  }
  std::optional<std::string> Str(std::string_view key, bool required) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) Fail(key, "必填 / required");
      return std::nullopt;
    }
    if (!v->is_string()) Fail(key, "应为文本 / must be text");
    return v->is_string() ? std::optional<std::string>(v->as_string()) : std::nullopt;
  }
  std::optional<std::vector<std::string>> Strs(std::string_view key, size_t max) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    std::vector<std::string> out;
    bool ok = v->is_array() && v->as_array().size() <= max;
    for (size_t i = 0; ok && i < v->as_array().size(); ++i) {
      const auto& x = v->as_array()[i];
      ok = x.is_string() && !x.as_string().empty();
      if (ok && std::find(out.begin(), out.end(), x.as_string()) == out.end())
        out.emplace_back(x.as_string());
    }
    if (!ok) Fail(key, fmt::format("应为至多 {} 个文本 / must be up to {} strings", max, max));
    return ok ? std::optional(out) : std::nullopt;
  }
  std::optional<std::vector<int64_t>> Ints(std::string_view key, size_t max) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    std::vector<int64_t> out;
    bool ok = v->is_array() && v->as_array().size() <= max;
    for (size_t i = 0; ok && i < v->as_array().size(); ++i) {
      const auto& x = v->as_array()[i];
      ok = x.is_int64();
      if (ok && std::find(out.begin(), out.end(), x.as_int64()) == out.end())
        out.push_back(x.as_int64());
    }
    if (!ok) Fail(key, fmt::format("应为至多 {} 个整数 / must be up to {} integers", max, max));
    return ok ? std::optional(out) : std::nullopt;
  }

 private:
  const json::object& o_;
  std::string prefix_;
  FieldErrors& errors_;
};

std::string UnitName(db::Conn& c, std::optional<int64_t> unit) {
  if (!unit) return "";
  auto r = c.QueryOne("SELECT name FROM org_units WHERE id = ?", {*unit});
  return r ? r->Str(0) : "";
}

json::array UsersJson(db::Conn& c, const std::vector<int64_t>& ids) {
  json::array out;
  for (int64_t id : ids) {
    auto r = c.QueryOne("SELECT display_name FROM users WHERE id = ?", {id});
    out.push_back(json::object{{"id", id}, {"display_name", r ? r->Str(0) : ""}});
  }
  return out;
}

void Source(db::Conn& c, json::object& j, int64_t unit_id, std::optional<int64_t> source,
            int64_t version) {
  j["own"] = source == unit_id;
  j["source_unit_id"] = OptJson(source);
  j["source_unit_name"] = source ? json::value(UnitName(c, source)) : json::value(nullptr);
  j["version"] = source == unit_id ? json::value(version) : json::value(nullptr);
}

json::object RuleJson(db::Conn& c, const RoutingRule& r, int64_t unit_id) {
  json::object j{{"roles", json::value_from(r.roles)},
                 {"reach", r.reach},
                 {"user_ids", json::value_from(r.user_ids)},
                 {"users", UsersJson(c, r.user_ids)},
                 {"responsible", r.responsible},
                 {"popup", r.popup}};
  Source(c, j, unit_id, r.org_unit_id, r.version);
  return j;
}

json::object PolicyJson(db::Conn& c, const EscalationPolicy& p, int64_t unit_id) {
  json::object j{{"escalate_after_s", p.escalate_after_s},
                 {"max_reminders", p.max_reminders},
                 {"roles", json::value_from(p.roles)},
                 {"supervise_after_s", p.supervise_after_s}};
  Source(c, j, unit_id, p.org_unit_id, p.version);
  return j;
}

json::array RecipientsJson(db::Conn& c, const std::vector<UnitRecipients>& units) {
  json::array out;
  for (const auto& u : units) {
    out.push_back(json::object{{"org_unit_id", u.org_unit_id},
                               {"org_unit_name", UnitName(c, u.org_unit_id)},
                               {"users", UsersJson(c, u.user_ids)}});
  }
  return out;
}

json::object OwnRows(db::Conn& c, int64_t unit_id) {
  json::array rules, policies;
  for (const auto& r : OwnRules(c, unit_id)) {
    json::object j = RuleJson(c, r, unit_id);
    j["level"] = r.level;
    rules.push_back(std::move(j));
  }
  for (const auto& p : OwnPolicies(c, unit_id)) {
    json::object j = PolicyJson(c, p, unit_id);
    j["level"] = p.level;
    policies.push_back(std::move(j));
  }
  return {
      {"org_unit_id", unit_id}, {"routing", std::move(rules)}, {"escalation", std::move(policies)}};
}

void CheckRoles(db::Conn& c, Reader& in, const std::vector<std::string>& roles) {
  for (const auto& code : roles) {
    if (!c.QueryInt("SELECT id FROM roles WHERE code = ? AND active = 1", {code})) {
      in.Fail("roles", "角色不存在：" + code + " / unknown role: " + code);
      return;
    }
  }
}

void CheckUsers(db::Conn& c, Reader& in, const auth::AccessScope& scope,
                const std::vector<int64_t>& users) {
  for (int64_t id : users) {
    auto unit = c.QueryInt("SELECT org_unit_id FROM users WHERE id = ? AND active = 1", {id});
    if (!unit || !scope.Contains(*unit)) {
      in.Fail("user_ids", fmt::format("用户不存在：{} / user not found: {}", id, id));
      return;
    }
  }
}

std::optional<int64_t> OwnVersion(db::Conn& c, const char* table, int64_t unit_id,
                                  const std::string& level) {
  return c.QueryInt(
      fmt::format("SELECT version FROM {} WHERE org_unit_id = ? AND level = ?", table),
      {unit_id, level});
}

void CheckVersion(std::optional<int64_t> stored, std::optional<int64_t> sent) {
  if (sent && stored != sent) throw org::VersionConflict();
}

void PutRouting(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id,
                const std::string& level, const json::object& o, const std::string& prefix,
                FieldErrors& errors, int64_t actor_id, int64_t now) {
  Reader in(o, prefix, errors);
  in.Known({"roles", "reach", "user_ids", "responsible", "popup", "version"});
  const auto roles = in.Strs("roles", kMaxRoles).value_or(std::vector<std::string>{});
  const auto reach = in.Str("reach", true);
  const auto users = in.Ints("user_ids", kMaxUsers).value_or(std::vector<int64_t>{});
  const bool responsible = in.Bool("responsible").value_or(false);
  const bool popup = in.Bool("popup").value_or(PopupLevel(level));
  const auto version = in.Int("version", false, 1, INT32_MAX);
  if (reach && std::find(Reaches().begin(), Reaches().end(), *reach) == Reaches().end())
    in.Fail("reach", "应为 unit、nearest、plant_and_above 或 unit_and_above");
  CheckRoles(c, in, roles);
  CheckUsers(c, in, scope, users);
  if (roles.empty() && users.empty() && !responsible)
    in.Fail("roles", "至少选择角色、人员或直接责任人之一 / name roles, users or the responsible");
  errors.ThrowIfAny();

  const auto stored = OwnVersion(c, "alert_routing_rules", unit_id, level);
  CheckVersion(stored, version);
  const db::Params values{JsonArrayText(roles),
                          *reach,
                          JsonArrayText(users),
                          int64_t{responsible},
                          int64_t{popup},
                          actor_id,
                          now,
                          unit_id,
                          level};
  if (stored) {
    c.Exec(
        "UPDATE alert_routing_rules SET roles = ?, reach = ?, user_ids = ?, responsible = ?, "
        "popup = ?, updated_by = ?, updated_at = ?, version = version + 1 "
        "WHERE org_unit_id = ? AND level = ?",
        values);
  } else {
    c.Exec(
        "INSERT INTO alert_routing_rules (roles, reach, user_ids, responsible, popup, "
        "updated_by, updated_at, org_unit_id, level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        values);
  }
}

void PutPolicy(db::Conn& c, int64_t unit_id, const std::string& level, const json::object& o,
               const std::string& prefix, FieldErrors& errors, int64_t actor_id, int64_t now) {
  Reader in(o, prefix, errors);
  in.Known({"escalate_after_s", "max_reminders", "roles", "supervise_after_s", "version"});
  const auto after = in.Int("escalate_after_s", true, 0, kMaxAfterS);
  const auto max = in.Int("max_reminders", true, 0, 20);
  const auto roles =
      in.Strs("roles", kMaxRoles)
          .value_or(std::vector<std::string>{"dept_head", "safety_officer", "manager"});
  const auto supervise = in.Int("supervise_after_s", false, 0, kMaxSuperviseS).value_or(86400);
  const auto version = in.Int("version", false, 1, INT32_MAX);
  CheckRoles(c, in, roles);
  errors.ThrowIfAny();

  const auto stored = OwnVersion(c, "alert_escalation_policies", unit_id, level);
  CheckVersion(stored, version);
  const db::Params values{*after,  *max, JsonArrayText(roles), supervise, actor_id, now,
                          unit_id, level};
  if (stored) {
    c.Exec(
        "UPDATE alert_escalation_policies SET escalate_after_s = ?, max_reminders = ?, "
        "roles = ?, supervise_after_s = ?, updated_by = ?, updated_at = ?, "
        "version = version + 1 WHERE org_unit_id = ? AND level = ?",
        values);
  } else {
    c.Exec(
        "INSERT INTO alert_escalation_policies (escalate_after_s, max_reminders, roles, "
        "supervise_after_s, updated_by, updated_at, org_unit_id, level) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        values);
  }
}

void RequireUnit(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id) {
  if (!scope.Contains(unit_id) || !c.QueryInt("SELECT id FROM org_units WHERE id = ?", {unit_id}))
    throw NotFound("org unit");
}

}  // namespace

json::object RoutingConfigJson(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id) {
  RequireUnit(c, scope, unit_id);
  json::array levels;
  for (std::string_view level : Levels()) {
    const RoutingRule rule = EffectiveRule(c, unit_id, level);
    const EscalationPolicy policy = EffectivePolicy(c, unit_id, level);
    levels.push_back(json::object{
        {"level", level},
        {"routing", RuleJson(c, rule, unit_id)},
        {"escalation", PolicyJson(c, policy, unit_id)},
        {"recipients", RecipientsJson(c, ResolveRecipients(c, Target{unit_id, {}}, rule))}});
  }
  json::array roles;
  for (const auto& r : c.Query("SELECT code, name, name_en FROM roles WHERE active = 1 AND "
                               "duty IS NULL ORDER BY builtin DESC, id"))
    roles.push_back(json::object{{"code", r.Str(0)}, {"name", r.Str(1)}, {"name_en", r.Str(2)}});
  return {{"org_unit_id", unit_id},
          {"org_unit_name", UnitName(c, unit_id)},
          {"levels", std::move(levels)},
          {"role_options", std::move(roles)}};
}

std::pair<json::value, json::value> PutRoutingConfig(db::Conn& c, const auth::AccessScope& scope,
                                                     int64_t unit_id, const json::object& body,
                                                     int64_t actor_id, int64_t now) {
  RequireUnit(c, scope, unit_id);
  FieldErrors errors;
  Reader top(body, "", errors);
  top.Known({"levels"});
  const auto* levels = body.if_contains("levels");
  if (!levels || !levels->is_array() || levels->as_array().empty()) {
    top.Fail("levels", "应为非空数组 / must be a non-empty array");
    errors.ThrowIfAny();
  }
  const json::value before = OwnRows(c, unit_id);

  std::set<std::string> seen;
  for (size_t i = 0; i < levels->as_array().size(); ++i) {
    const std::string prefix = fmt::format("levels[{}].", i);
    const auto* entry = levels->as_array()[i].if_object();
    if (!entry) {
      errors.Add(prefix.substr(0, prefix.size() - 1), "应为对象 / must be an object");
      continue;
    }
    Reader in(*entry, prefix, errors);
    in.Known({"level", "routing", "escalation"});
    const auto level = in.Str("level", true);
    if (level && (!IsLevel(*level) || !seen.insert(*level).second)) {
      in.Fail("level", "未知或重复的级别 / unknown or repeated level");
    }
    errors.ThrowIfAny();

    for (const char* part : {"routing", "escalation"}) {
      const auto* v = entry->if_contains(part);
      const bool routing = std::string_view(part) == "routing";
      const char* table = routing ? "alert_routing_rules" : "alert_escalation_policies";
      if (!v) continue;
      if (v->is_null()) {
        c.Exec(fmt::format("DELETE FROM {} WHERE org_unit_id = ? AND level = ?", table),
               {unit_id, *level});
      } else if (!v->is_object()) {
        in.Fail(part, "应为对象或 null / must be an object or null");
      } else if (routing) {
        PutRouting(c, scope, unit_id, *level, v->as_object(), prefix + part + ".", errors, actor_id,
                   now);
      } else {
        PutPolicy(c, unit_id, *level, v->as_object(), prefix + part + ".", errors, actor_id, now);
      }
    }
    errors.ThrowIfAny();
  }
  return {before, OwnRows(c, unit_id)};
}

}  // namespace anxun::alert
