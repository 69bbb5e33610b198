#include "auth/roles.h"

#include "auth/permissions.h"
#include "auth/versioned_update.h"
#include "common/clock.h"
#include "common/error.h"

#include <boost/json.hpp>

#include <algorithm>

namespace anxun::auth {
namespace {

constexpr const char* kInsertRole =
    "INSERT INTO roles (code, name, name_en, scope, builtin, duty, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kSelectRole =
    "SELECT id, code, name, name_en, scope, builtin, duty, active, version, "
    "(SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = roles.id) FROM roles WHERE id = ?";

constexpr const char* kRestoreBuiltin =
    "UPDATE roles SET name = ?, name_en = ?, scope = ?, builtin = 1, duty = ?, active = 1, "
    "version = version + 1, updated_at = ? WHERE id = ?";

// Holders of role ? who also hold an active role of another duty than ?.
constexpr const char* kCountDutyClashes =
    "SELECT COUNT(*) FROM user_roles ur JOIN user_roles other ON other.user_id = ur.user_id "
    "AND other.role_id <> ur.role_id JOIN roles r ON r.id = other.role_id "
    "WHERE ur.role_id = ? AND r.active = 1 AND r.duty IS NOT NULL AND r.duty <> ?";

const audit::Actor& SystemActor() {
  static const audit::Actor actor{std::nullopt, "system", "", ""};
  return actor;
}

db::Value DutyValue(std::optional<Duty> d) {
  return d ? db::Value(std::string(DutyName(*d))) : db::Null();
}

std::vector<std::string> Permissions(db::Conn& c, int64_t role_id) {
  std::vector<std::string> out;
  for (const auto& row :
       c.Query("SELECT permission FROM role_permissions WHERE role_id = ? ORDER BY permission",
               {role_id})) {
    out.push_back(row.Str(0));
  }
  return out;
}

void ReplacePermissions(db::Conn& c, int64_t role_id, const std::vector<std::string>& perms) {
  c.Exec("DELETE FROM role_permissions WHERE role_id = ?", {role_id});
  for (const auto& p : perms) {
    c.Exec("INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)", {role_id, p});
  }
}

// Sorted, without duplicates; records a field error for unknown codes.
std::vector<std::string> CleanPermissions(std::vector<std::string> perms, FieldErrors& errors) {
  std::sort(perms.begin(), perms.end());
  perms.erase(std::unique(perms.begin(), perms.end()), perms.end());
  for (const auto& p : perms) {
    if (!IsKnownPermission(p)) errors.Add("permissions", "未知权限 / unknown permission: " + p);
  }
  return perms;
}

bool ValidRoleCode(std::string_view s) {
  if (s.size() < 2 || s.size() > 32 || s.front() < 'a' || s.front() > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

// What RoleJson says about a built-in role stored exactly as defined.
boost::json::object Definition(const BuiltinRole& b, const std::vector<std::string>& perms) {
  boost::json::array permissions;
  for (const auto& p : perms)
    permissions.emplace_back(p);
  return {{"name", b.name_zh},
          {"name_en", b.name_en},
          {"scope", ScopeName(b.scope)},
          {"builtin", true},
          {"duty", b.duty ? boost::json::value(DutyName(*b.duty)) : nullptr},
          {"active", true},
          {"permissions", std::move(permissions)}};
}

bool MatchesDefinition(const boost::json::value& role, const boost::json::object& definition) {
  for (const auto& kv : definition) {
    if (role.at(kv.key()) != kv.value()) return false;
  }
  return true;
}

void SeedOne(db::Conn& c, const BuiltinRole& b) {
  std::vector<std::string> perms(b.permissions.begin(), b.permissions.end());
  std::sort(perms.begin(), perms.end());
  const std::string code(b.code), name(b.name_zh), name_en(b.name_en), scope(ScopeName(b.scope));
  const int64_t now = NowMs();

  const auto existing = c.QueryInt("SELECT id FROM roles WHERE code = ?", {code});
  if (!existing) {
    const int64_t id = c.Insert(
        kInsertRole, {code, name, name_en, scope, int64_t{1}, DutyValue(b.duty), now, now});
    ReplacePermissions(c, id, perms);
    audit::Append(c, SystemActor(),
                  {"role.create", "role", std::to_string(id), nullptr, RoleJson(c, id)});
    return;
  }

  const int64_t id = *existing;
  const boost::json::value before = RoleJson(c, id);
  if (MatchesDefinition(before, Definition(b, perms))) return;
  c.Exec(kRestoreBuiltin, {name, name_en, scope, DutyValue(b.duty), now, id});
  ReplacePermissions(c, id, perms);
  audit::Append(c, SystemActor(),
                {"role.update", "role", std::to_string(id), before, RoleJson(c, id)});
}

// The duty `perms` give role `role_id`; 409 when a holder of the role has a
// role of another duty.
std::optional<Duty> CheckNewDuty(db::Conn& c, int64_t role_id,
                                 const std::vector<std::string>& perms) {
  const auto duty = DutyOfPermissions(perms);
  if (!duty) return duty;
  if (c.QueryInt(kCountDutyClashes, {role_id, std::string(DutyName(*duty))}).value_or(0) > 0) {
    throw Conflict("separation_of_duties",
                   "有账号同时持有其他管理职责的角色 / a holder of this role has a role of "
                   "another administrator duty");
  }
  return duty;
}

}  // namespace

void SeedBuiltinRoles(db::Conn& c) {
  for (const auto& b : BuiltinRoles())
    SeedOne(c, b);
}

int64_t CreateRole(db::Conn& c, const audit::Actor& actor, const NewRole& r) {
  FieldErrors errors;
  if (!ValidRoleCode(r.code)) {
    errors.Add("code", "编码为 2-32 位小写字母、数字或下划线 / 2-32 of a-z, 0-9, _");
  }
  if (r.name.empty()) errors.Add("name", "不能为空 / required");
  const auto perms = CleanPermissions(r.permissions, errors);
  errors.ThrowIfAny();
  const auto duty = DutyOfPermissions(perms);
  if (c.QueryOne("SELECT id FROM roles WHERE code = ?", {r.code})) {
    throw Conflict("role_code_taken", "角色编码已存在 / role code already taken");
  }

  const int64_t now = NowMs();
  const int64_t id =
      c.Insert(kInsertRole, {r.code, r.name, r.name_en, std::string(ScopeName(r.scope)), int64_t{0},
                             DutyValue(duty), now, now});
  ReplacePermissions(c, id, perms);
  audit::Append(c, actor, {"role.create", "role", std::to_string(id), nullptr, RoleJson(c, id)});
  return id;
}

void UpdateRole(db::Conn& c, const audit::Actor& actor, int64_t role_id, const RolePatch& p) {
  const boost::json::value before = RoleJson(c, role_id);
  if (before.is_null()) throw NotFound("role");
  if (before.at("builtin").as_bool()) {
    throw BadRequest("builtin_role", "内置角色不能修改 / built-in roles cannot be changed");
  }

  FieldErrors errors;
  if (p.name && p.name->empty()) errors.Add("name", "不能为空 / required");
  std::optional<std::vector<std::string>> perms;
  if (p.permissions) perms = CleanPermissions(*p.permissions, errors);
  errors.ThrowIfAny();

  VersionedUpdate update("roles", NowMs());
  if (p.name) update.Set("name", *p.name);
  if (p.name_en) update.Set("name_en", *p.name_en);
  if (p.scope) update.Set("scope", std::string(ScopeName(*p.scope)));
  if (p.active) update.Set("active", int64_t{*p.active});
  if (perms) update.Set("duty", DutyValue(CheckNewDuty(c, role_id, *perms)));
  update.Run(c, role_id, p.version);

  if (perms) ReplacePermissions(c, role_id, *perms);
  audit::Append(c, actor,
                {"role.update", "role", std::to_string(role_id), before, RoleJson(c, role_id)});
}

boost::json::value RoleJson(db::Conn& c, int64_t role_id) {
  const auto row = c.QueryOne(kSelectRole, {role_id});
  if (!row) return nullptr;

  boost::json::object o;
  o["id"] = row->Int(0);
  o["code"] = row->Str(1);
  o["name"] = row->Str(2);
  o["name_en"] = row->Str(3);
  o["scope"] = row->Str(4);
  o["builtin"] = row->Bool(5);
  o["duty"] = row->IsNull(6) ? boost::json::value(nullptr) : boost::json::value(row->Str(6));
  o["active"] = row->Bool(7);
  o["version"] = row->Int(8);
  o["user_count"] = row->Int(9);
  boost::json::array perms;
  for (auto& p : Permissions(c, role_id))
    perms.emplace_back(p);
  o["permissions"] = std::move(perms);
  return o;
}

}  // namespace anxun::auth
