// Accounts, roles and the permission catalogue.
//
// Separation of duties shapes who may call what: the system administrator
// manages accounts (user.manage), the security administrator assigns roles and
// edits them (role.manage), and neither may reset the credentials of an
// administrator of another duty. The rules live in src/auth; this file reads
// requests, checks data scope and answers.
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "auth/password.h"
#include "auth/permissions.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/user_view.h"
#include "auth/users.h"
#include "common/error.h"
#include "common/json.h"

#include <boost/json.hpp>

namespace anxun::api {
namespace {

const SortFields kUserSort = {
    {"username", "u.username"},     {"display_name", "u.display_name"},   {"org_unit", "o.name"},
    {"created_at", "u.created_at"}, {"last_login_at", "u.last_login_at"}, {"id", "u.id"},
};

const SortFields kRoleSort = {{"code", "code"}, {"name", "name"}, {"id", "id"}};

boost::json::object BodyObject(const Context& ctx) {
  return ParseJsonObject(ctx.req.body.empty() ? std::string_view("{}") : ctx.req.body);
}

// A present-but-null string field means "clear it" (""), absent means "keep".
std::optional<std::string> NullableStr(Body& b, std::string_view key, size_t max_len) {
  if (!b.Has(key)) return std::nullopt;
  return b.Str(key, false, max_len).value_or("");
}

const auth::AccessScope& Everything() {
  static const auth::AccessScope all{true, {}, 0};
  return all;
}

boost::json::object Detail(Context& ctx, int64_t user_id) {
  auto o =
      ctx.app.db->Read([&](db::Conn& c) { return auth::UserDetail(c, user_id, Everything()); });
  if (!o) throw NotFound("user");
  return std::move(*o);
}

// 404 unless `user_id` exists inside `scope` (out of scope looks like missing).
void RequireTarget(db::Conn& c, const auth::AccessScope& scope, int64_t user_id) {
  if (!auth::UserUnitInScope(c, user_id, scope)) throw NotFound("user");
}

void RequireTarget(Context& ctx, const auth::AccessScope& scope, int64_t user_id) {
  ctx.app.db->Read([&](db::Conn& c) { RequireTarget(c, scope, user_id); });
}

void RefuseSelf(const Context& ctx, int64_t user_id, std::string_view what) {
  if (ctx.user().user_id != user_id) return;
  throw BadRequest("cannot_modify_self", std::string(what));
}

// Credentials of an administrator may be reset only by one of the same duty:
// otherwise the system administrator could take over the auditor's account.
void RequireSameDuty(db::Conn& c, const auth::Principal& me, int64_t target) {
  const std::string duty = auth::UserDuty(c, target);
  if (duty.empty() || auth::UserDuty(c, me.user_id) == duty) return;
  throw ApiError(403, "separation_of_duties",
                 "其他职责管理员的密码和动态验证码只能由同职责管理员或在服务器上用 anxun user "
                 "passwd 重置 / an administrator of another duty must reset this on the server "
                 "(anxun user passwd)");
}

http::Response ListUsers(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("user.view");
  db::Where where;
  scope.Apply(where, "u.org_unit_id", "u.id");
  if (auto q = ctx.req.Query("q"); q && !q->empty()) {
    where.Search({"u.username", "u.display_name", "u.phone", "u.email"}, *q);
  }
  if (auto unit = QueryInt(ctx.req, "org_unit_id")) where.Add("u.org_unit_id = ?", {*unit});
  if (auto active = QueryBool(ctx.req, "active")) where.Add("u.active = ?", {int64_t{*active}});
  const db::Page page = ParsePage(ctx.req, kUserSort, "u.username ASC", "u.id");

  return http::Response::Json(ctx.app.db->Read([&](db::Conn& c) {
    return ListBody(auth::UserItems(c, where, page), auth::CountUsers(c, where), page);
  }));
}

http::Response GetUser(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("user.view");
  const int64_t id = ctx.req.IdParam();
  auto o = ctx.app.db->Read([&](db::Conn& c) { return auth::UserDetail(c, id, scope); });
  if (!o) throw NotFound("user");
  return http::Response::Json(*o);
}

http::Response CreateUser(Context& ctx) {
  const auth::Principal& me = ctx.user();
  const auth::AccessScope& scope = me.Require("user.manage");
  Body b(ParseJsonObject(ctx.req.body));
  auth::NewUser u;
  u.username = b.Str("username", true, 64).value_or("");
  u.display_name = b.Str("display_name", true, 100).value_or("");
  u.org_unit_id = b.Int("org_unit_id", true).value_or(0);
  u.phone = b.Str("phone", false, 32);
  u.email = b.Str("email", false, 200);
  u.role_ids = b.IntList("role_ids").value_or(std::vector<int64_t>{});
  u.password = b.Str("password", true, auth::kMaxPasswordBytes).value_or("");
  if (auto locale = b.Str("locale", false, 10)) u.locale = *locale;
  if (u.org_unit_id != 0 && !scope.Contains(u.org_unit_id)) {
    b.Fail("org_unit_id", "组织不存在 / org unit not found");
  }
  b.Done({"username", "display_name", "org_unit_id", "phone", "email", "role_ids", "password",
          "locale"});
  if (!u.role_ids.empty() && !me.Require("role.manage").Contains(u.org_unit_id)) {
    throw Forbidden();
  }

  const int64_t id = auth::CreateUser(*ctx.app.db, ctx.app.config, ctx.actor(), u);
  return http::Response::Json(Detail(ctx, id), 201);
}

http::Response PatchUser(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("user.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(ParseJsonObject(ctx.req.body));
  auth::UserPatch p;
  p.display_name = b.Str("display_name", false, 100);
  p.phone = NullableStr(b, "phone", 32);
  p.email = NullableStr(b, "email", 200);
  p.locale = b.Str("locale", false, 10);
  p.org_unit_id = b.Int("org_unit_id");
  p.active = b.Bool("active");
  p.version = b.Int("version");
  if (p.org_unit_id && !scope.Contains(*p.org_unit_id)) {
    b.Fail("org_unit_id", "组织不存在 / org unit not found");
  }
  b.Done({"display_name", "phone", "email", "locale", "org_unit_id", "active", "version"});
  if (p.active && !*p.active)
    RefuseSelf(ctx, id, "不能停用自己的账号 / cannot deactivate yourself");

  ctx.app.db->Write([&](db::Conn& c) {
    RequireTarget(c, scope, id);
    auth::UpdateUser(c, ctx.actor(), id, p);
  });
  auth::InvalidateSessionCache();
  return http::Response::Json(Detail(ctx, id));
}

http::Response SetUserRoles(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("role.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(ParseJsonObject(ctx.req.body));
  const auto role_ids = b.IntList("role_ids", true);
  b.Done({"role_ids"});

  ctx.app.db->Write([&](db::Conn& c) {
    RequireTarget(c, scope, id);
    auth::SetUserRoles(c, ctx.actor(), id, *role_ids);
  });
  auth::InvalidateSessionCache();
  return http::Response::Json(Detail(ctx, id));
}

http::Response LockUser(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("user.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(BodyObject(ctx));
  const auto until = b.Time("until");
  b.Done({"until"});
  RefuseSelf(ctx, id, "不能锁定自己的账号 / cannot lock yourself");

  RequireTarget(ctx, scope, id);
  auth::LockUser(*ctx.app.db, ctx.actor(), id, until);
  return http::Response::Json(Detail(ctx, id));
}

http::Response UnlockUser(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("user.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(BodyObject(ctx));
  b.Done({});

  RequireTarget(ctx, scope, id);
  auth::UnlockUser(*ctx.app.db, ctx.actor(), id);
  return http::Response::Json(Detail(ctx, id));
}

http::Response ResetPassword(Context& ctx) {
  const auth::Principal& me = ctx.user();
  const auth::AccessScope& scope = me.Require("user.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(ParseJsonObject(ctx.req.body));
  const auto password = b.Str("new_password", true, auth::kMaxPasswordBytes);
  b.Done({"new_password"});

  ctx.app.db->Read([&](db::Conn& c) {
    RequireTarget(c, scope, id);
    RequireSameDuty(c, me, id);
  });
  auth::SetPassword(*ctx.app.db, ctx.app.config, ctx.actor(), id, *password, true);
  return http::Response::NoContent();
}

http::Response ResetTotp(Context& ctx) {
  const auth::Principal& me = ctx.user();
  const auth::AccessScope& scope = me.Require("user.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(BodyObject(ctx));
  b.Done({});

  ctx.app.db->Write([&](db::Conn& c) {
    RequireTarget(c, scope, id);
    RequireSameDuty(c, me, id);
    auth::ResetTotp(c, ctx.actor(), id);
  });
  auth::InvalidateSessionCache();
  return http::Response::NoContent();
}

http::Response RevokeSessions(Context& ctx) {
  const auth::AccessScope& scope = ctx.user().Require("user.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(BodyObject(ctx));
  b.Done({});

  ctx.app.db->Write([&](db::Conn& c) {
    RequireTarget(c, scope, id);
    boost::json::object after;
    after["revoked"] = auth::RevokeUserSessions(c, id);
    audit::Append(c, ctx.actor(),
                  {"user.revoke_sessions", "user", std::to_string(id), nullptr, after});
  });
  auth::InvalidateSessionCache();
  return http::Response::NoContent();
}

http::Response ListRoles(Context& ctx) {
  ctx.user().Require("role.view");
  db::Where where;
  if (auto q = ctx.req.Query("q"); q && !q->empty()) where.Search({"code", "name", "name_en"}, *q);
  if (auto active = QueryBool(ctx.req, "active")) where.Add("active = ?", {int64_t{*active}});
  const db::Page page = ParsePage(ctx.req, kRoleSort, "code ASC");

  return http::Response::Json(ctx.app.db->Read([&](db::Conn& c) {
    boost::json::array items;
    for (const auto& row :
         c.Query("SELECT id FROM roles" + where.Sql() + page.Sql(), page.Bind(where.params()))) {
      items.push_back(auth::RoleJson(c, row.Int(0)));
    }
    const int64_t total =
        c.QueryInt("SELECT COUNT(*) FROM roles" + where.Sql(), where.params()).value_or(0);
    return ListBody(std::move(items), total, page);
  }));
}

http::Response GetRole(Context& ctx) {
  ctx.user().Require("role.view");
  const int64_t id = ctx.req.IdParam();
  auto role = ctx.app.db->Read([&](db::Conn& c) { return auth::RoleJson(c, id); });
  if (role.is_null()) throw NotFound("role");
  return http::Response::Json(role);
}

std::optional<auth::ScopeKind> ScopeField(Body& b, bool required) {
  const auto text = b.Str("scope", required, 16);
  if (!text) return std::nullopt;
  auth::ScopeKind k;
  if (auth::ParseScope(*text, k)) return k;
  b.Fail("scope", "应为 self、unit、subtree 或 all / self, unit, subtree or all");
  return std::nullopt;
}

http::Response CreateRole(Context& ctx) {
  ctx.user().Require("role.manage");
  Body b(ParseJsonObject(ctx.req.body));
  auth::NewRole r;
  r.code = b.Str("code", true, 32).value_or("");
  r.name = b.Str("name", true, 50).value_or("");
  r.name_en = b.Str("name_en", false, 100).value_or("");
  r.scope = ScopeField(b, true).value_or(auth::ScopeKind::kSelf);
  r.permissions = b.StrList("permissions", true).value_or(std::vector<std::string>{});
  b.Done({"code", "name", "name_en", "scope", "permissions"});

  const int64_t id =
      ctx.app.db->Write([&](db::Conn& c) { return auth::CreateRole(c, ctx.actor(), r); });
  return http::Response::Json(ctx.app.db->Read([&](db::Conn& c) { return auth::RoleJson(c, id); }),
                              201);
}

http::Response PatchRole(Context& ctx) {
  ctx.user().Require("role.manage");
  const int64_t id = ctx.req.IdParam();
  Body b(ParseJsonObject(ctx.req.body));
  auth::RolePatch p;
  p.name = b.Str("name", false, 50);
  p.name_en = b.Str("name_en", false, 100);
  p.scope = ScopeField(b, false);
  p.permissions = b.StrList("permissions");
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"name", "name_en", "scope", "permissions", "active", "version"});

  ctx.app.db->Write([&](db::Conn& c) { auth::UpdateRole(c, ctx.actor(), id, p); });
  auth::InvalidateSessionCache();
  return http::Response::Json(ctx.app.db->Read([&](db::Conn& c) { return auth::RoleJson(c, id); }));
}

http::Response ListPermissions(Context& ctx) {
  ctx.user().Require("role.view");
  boost::json::array items;
  for (const auto& p : auth::PermissionCatalog()) {
    const auto duty = auth::ExclusiveDuty(p.code);
    items.push_back({{"code", p.code},
                     {"module", p.module},
                     {"name_zh", p.name_zh},
                     {"name_en", p.name_en},
                     {"duty", duty ? boost::json::value(auth::DutyName(*duty)) : nullptr}});
  }
  return http::Response::Json(boost::json::object{{"items", std::move(items)}});
}

}  // namespace

void RegisterUserRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/users", ListUsers, "List users", "users");
  r.Add("POST", "/api/v1/users", CreateUser, "Create a user", "users");
  r.Add("GET", "/api/v1/users/{id}", GetUser, "Get a user", "users");
  r.Add("PATCH", "/api/v1/users/{id}", PatchUser, "Update or deactivate a user", "users");
  r.Add("PUT", "/api/v1/users/{id}/roles", SetUserRoles, "Replace a user's roles", "users");
  r.Add("POST", "/api/v1/users/{id}/lock", LockUser, "Lock a user", "users");
  r.Add("POST", "/api/v1/users/{id}/unlock", UnlockUser, "Unlock a user", "users");
  r.Add("POST", "/api/v1/users/{id}/reset-password", ResetPassword, "Set a new password", "users");
  r.Add("POST", "/api/v1/users/{id}/reset-totp", ResetTotp, "Forget a user's TOTP", "users");
  r.Add("POST", "/api/v1/users/{id}/revoke-sessions", RevokeSessions, "Sign a user out everywhere",
        "users");
  r.Add("GET", "/api/v1/roles", ListRoles, "List roles", "users");
  r.Add("POST", "/api/v1/roles", CreateRole, "Create a custom role", "users");
  r.Add("GET", "/api/v1/roles/{id}", GetRole, "Get a role", "users");
  r.Add("PATCH", "/api/v1/roles/{id}", PatchRole, "Update a custom role", "users");
  r.Add("GET", "/api/v1/permissions", ListPermissions, "The permission catalogue", "users");
}

}  // namespace anxun::api
