#include "auth/users.h"

#include "auth/password.h"
#include "auth/session.h"
#include "auth/versioned_update.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "db/query.h"

#include <boost/json.hpp>

#include <algorithm>

namespace anxun::auth {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (username, display_name, phone, email, org_unit_id, password_hash, "
    "password_changed_at, must_change_password, password_exempt, locale, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kSelectAuditUser =
    "SELECT id, username, display_name, phone, email, org_unit_id, active, locked_until, locale, "
    "must_change_password, password_exempt, totp_enabled, version FROM users WHERE id = ?";

constexpr const char* kSelectUserDuty =
    "SELECT r.duty FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
    "WHERE ur.user_id = ? AND r.duty IS NOT NULL AND r.active = 1 ORDER BY r.duty LIMIT 1";

constexpr const char* kCountOtherDutyHolders =
    "SELECT COUNT(DISTINCT u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id "
    "JOIN roles r ON r.id = ur.role_id "
    "WHERE r.duty = ? AND r.active = 1 AND u.active = 1 AND u.id <> ?";

bool ValidUsername(std::string_view s) {
  if (s.size() < 2 || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' ||
           ch == '@';
  });
}

bool ValidLocale(std::string_view s) {
  return s == "zh-CN" || s == "en-US";
}

db::Value OptText(const std::optional<std::string>& s) {
  return s && !s->empty() ? db::Value(*s) : db::Null();
}

std::vector<int64_t> Unique(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void CheckOrgUnit(db::Conn& c, int64_t unit_id, FieldErrors& errors) {
  if (c.QueryInt("SELECT active FROM org_units WHERE id = ?", {unit_id}).value_or(0) != 1) {
    errors.Add("org_unit_id", "组织不存在或已停用 / org unit not found or inactive");
  }
}

void CheckRolesExist(db::Conn& c, const std::vector<int64_t>& role_ids, FieldErrors& errors) {
  if (role_ids.empty()) return;
  db::Where where;
  where.In("id", role_ids).Add("active = 1");
  const auto found = c.QueryInt("SELECT COUNT(*) FROM roles" + where.Sql(), where.params());
  if (found.value_or(0) != static_cast<int64_t>(role_ids.size())) {
    errors.Add("role_ids", "角色不存在或已停用 / role not found or inactive");
  }
}

void CheckProfile(const NewUser& u, FieldErrors& errors) {
  if (!ValidUsername(u.username)) {
    errors.Add("username",
               "用户名为 2-64 位字母、数字或 . _ - @ / 2-64 of letters, digits, . _ - @");
  }
  if (u.display_name.empty()) errors.Add("display_name", "不能为空 / required");
  if (u.email && !u.email->empty() && u.email->find('@') == std::string::npos) {
    errors.Add("email", "邮箱格式不正确 / not an e-mail address");
  }
  if (!ValidLocale(u.locale)) errors.Add("locale", "应为 zh-CN 或 en-US / zh-CN or en-US");
}

void CheckPatch(db::Conn& c, const UserPatch& p) {
  FieldErrors errors;
  if (p.display_name && p.display_name->empty()) errors.Add("display_name", "不能为空 / required");
  if (p.locale && !ValidLocale(*p.locale)) {
    errors.Add("locale", "应为 zh-CN 或 en-US / zh-CN or en-US");
  }
  if (p.email && !p.email->empty() && p.email->find('@') == std::string::npos) {
    errors.Add("email", "邮箱格式不正确 / not an e-mail address");
  }
  if (p.org_unit_id) CheckOrgUnit(c, *p.org_unit_id, errors);
  errors.ThrowIfAny();
}

void ReplaceRoles(db::Conn& c, int64_t user_id, const std::vector<int64_t>& role_ids) {
  c.Exec("DELETE FROM user_roles WHERE user_id = ?", {user_id});
  for (int64_t role_id : role_ids) {
    c.Exec("INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)", {user_id, role_id});
  }
}

std::optional<std::string> DutyOfRoles(db::Conn& c, const std::vector<int64_t>& role_ids) {
  if (role_ids.empty()) return std::nullopt;
  db::Where where;
  where.In("id", role_ids).Add("duty IS NOT NULL");
  const auto rows = c.Query("SELECT DISTINCT duty FROM roles" + where.Sql(), where.params());
  if (rows.empty()) return std::nullopt;
  return rows.front().Str(0);
}

}  // namespace

int64_t CreateUser(db::Database& db, const Config& cfg, const audit::Actor& actor,
                   const NewUser& u) {
  if (auto why = CheckPasswordPolicy(cfg.password, u.username, u.password)) {
    FieldErrors errors;
    errors.Add("password", *why);
    errors.ThrowIfAny();
  }
  const std::string hash = HashPassword(u.password);
  return db.Write([&](db::Conn& c) { return InsertUser(c, actor, u, hash); });
}

int64_t InsertUser(db::Conn& c, const audit::Actor& actor, const NewUser& u,
                   const std::string& password_hash) {
  const std::vector<int64_t> role_ids = Unique(u.role_ids);
  FieldErrors errors;
  CheckProfile(u, errors);
  CheckOrgUnit(c, u.org_unit_id, errors);
  CheckRolesExist(c, role_ids, errors);
  errors.ThrowIfAny();
  CheckSeparationOfDuties(c, role_ids);
  if (c.QueryOne("SELECT id FROM users WHERE LOWER(username) = LOWER(?)", {u.username})) {
    throw Conflict("username_taken", "用户名已存在 / username already taken");
  }

  const int64_t now = NowMs();
  const int64_t id =
      c.Insert(kInsertUser, {u.username, u.display_name, OptText(u.phone), OptText(u.email),
                             u.org_unit_id, password_hash, now, int64_t{u.must_change_password},
                             int64_t{u.password_exempt}, u.locale, now, now});
  ReplaceRoles(c, id, role_ids);
  audit::Append(c, actor,
                {"user.create", "user", std::to_string(id), nullptr, UserAuditJson(c, id)});
  return id;
}

void UpdateUser(db::Conn& c, const audit::Actor& actor, int64_t user_id, const UserPatch& p) {
  const boost::json::value before = UserAuditJson(c, user_id);
  if (before.is_null()) throw NotFound("user");
  CheckPatch(c, p);
  const bool deactivating = p.active && !*p.active && before.at("active").as_bool();
  if (deactivating) CheckNotLastOfDuty(c, user_id);

  VersionedUpdate update("users", NowMs());
  if (p.display_name) update.Set("display_name", *p.display_name);
  if (p.phone) update.Set("phone", OptText(p.phone));
  if (p.email) update.Set("email", OptText(p.email));
  if (p.locale) update.Set("locale", *p.locale);
  if (p.org_unit_id) update.Set("org_unit_id", *p.org_unit_id);
  if (p.active) update.Set("active", int64_t{*p.active});
  update.Run(c, user_id, p.version);

  if (deactivating) RevokeUserSessions(c, user_id);
  audit::Append(
      c, actor,
      {"user.update", "user", std::to_string(user_id), before, UserAuditJson(c, user_id)});
}

void SetUserRoles(db::Conn& c, const audit::Actor& actor, int64_t user_id,
                  const std::vector<int64_t>& requested) {
  const boost::json::value before = UserAuditJson(c, user_id);
  if (before.is_null()) throw NotFound("user");
  const std::vector<int64_t> role_ids = Unique(requested);

  FieldErrors errors;
  CheckRolesExist(c, role_ids, errors);
  errors.ThrowIfAny();
  CheckSeparationOfDuties(c, role_ids);
  const std::string old_duty = UserDuty(c, user_id);
  if (!old_duty.empty() && DutyOfRoles(c, role_ids).value_or("") != old_duty) {
    CheckNotLastOfDuty(c, user_id);
  }

  ReplaceRoles(c, user_id, role_ids);
  c.Exec("UPDATE users SET version = version + 1, updated_at = ? WHERE id = ?", {NowMs(), user_id});
  audit::Append(
      c, actor,
      {"user.set_roles", "user", std::to_string(user_id), before, UserAuditJson(c, user_id)});
}

void CheckSeparationOfDuties(db::Conn& c, const std::vector<int64_t>& role_ids) {
  if (role_ids.empty()) return;
  db::Where where;
  where.In("id", role_ids).Add("duty IS NOT NULL");
  const auto rows = c.Query("SELECT DISTINCT duty FROM roles" + where.Sql(), where.params());
  if (rows.size() <= 1) return;

  boost::json::array duties;
  for (const auto& row : rows)
    duties.emplace_back(row.Str(0));
  boost::json::object details;
  details["duties"] = std::move(duties);
  throw Conflict("separation_of_duties",
                 "三权分立：系统管理员、安全保密管理员、审计管理员的角色不能授予同一账号 / "
                 "separation of duties: one account cannot hold two administrator duties",
                 std::move(details));
}

std::string UserDuty(db::Conn& c, int64_t user_id) {
  const auto row = c.QueryOne(kSelectUserDuty, {user_id});
  return row ? row->Str(0) : std::string();
}

void CheckNotLastOfDuty(db::Conn& c, int64_t user_id) {
  const std::string duty = UserDuty(c, user_id);
  if (duty.empty()) return;
  if (c.QueryInt(kCountOtherDutyHolders, {duty, user_id}).value_or(0) > 0) return;
  throw Conflict("last_administrator",
                 "这是该管理职责唯一的有效账号 / this is the only active account with this "
                 "administrator duty",
                 {{"duty", duty}});
}

boost::json::value UserAuditJson(db::Conn& c, int64_t user_id) {
  const auto row = c.QueryOne(kSelectAuditUser, {user_id});
  if (!row) return nullptr;

  boost::json::object o;
  o["id"] = row->Int(0);
  o["username"] = row->Str(1);
  o["display_name"] = row->Str(2);
  o["phone"] = OptJson(row->OptStr(3));
  o["email"] = OptJson(row->OptStr(4));
  o["org_unit_id"] = row->Int(5);
  o["active"] = row->Bool(6);
  o["locked_until"] = OptTimeJson(row->OptInt(7));
  o["locale"] = row->Str(8);
  o["must_change_password"] = row->Bool(9);
  o["password_exempt"] = row->Bool(10);
  o["totp_enabled"] = row->Bool(11);
  o["version"] = row->Int(12);
  boost::json::array roles;
  for (const auto& r :
       c.Query("SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id", {user_id})) {
    roles.emplace_back(r.Int(0));
  }
  o["role_ids"] = std::move(roles);
  return o;
}

}  // namespace anxun::auth
