#include "auth/user_view.h"

#include "common/clock.h"
#include "common/json.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <map>

namespace anxun::auth {
namespace {

constexpr const char* kItemColumns =
    "u.id, u.username, u.display_name, u.phone, u.email, u.org_unit_id, o.name, u.active, "
    "u.locked_until, u.last_login_at, u.totp_enabled, u.version, u.locale, "
    "u.must_change_password, u.password_exempt, u.created_at, u.updated_at";

boost::json::object ItemJson(const db::Row& row) {
  boost::json::object o;
  o["id"] = row.Int(0);
  o["username"] = row.Str(1);
  o["display_name"] = row.Str(2);
  o["phone"] = OptJson(row.OptStr(3));
  o["email"] = OptJson(row.OptStr(4));
  o["org_unit_id"] = row.Int(5);
  o["org_unit_name"] = row.Str(6);
  o["roles"] = boost::json::array();
  o["active"] = row.Bool(7);
  o["locked"] = row.OptInt(8).value_or(0) > NowMs();
  o["locked_until"] = OptTimeJson(row.OptInt(8));
  o["last_login_at"] = OptTimeJson(row.OptInt(9));
  o["totp_enabled"] = row.Bool(10);
  o["version"] = row.Int(11);
  return o;
}

// Fills "roles" of each item with one query for all of them.
void AttachRoles(db::Conn& c, boost::json::array& items) {
  if (items.empty()) return;
  std::map<int64_t, boost::json::array*> by_user;
  std::vector<int64_t> ids;
  for (auto& item : items) {
    auto& o = item.as_object();
    ids.push_back(o.at("id").as_int64());
    by_user[ids.back()] = &o["roles"].as_array();
  }
  db::Where where;
  where.In("ur.user_id", ids);
  const std::string sql =
      "SELECT ur.user_id, r.id, r.code, r.name FROM user_roles ur "
      "JOIN roles r ON r.id = ur.role_id" +
      where.Sql() + " ORDER BY ur.user_id, r.id";
  for (const auto& row : c.Query(sql, where.params())) {
    by_user[row.Int(0)]->push_back(
        {{"id", row.Int(1)}, {"code", row.Str(2)}, {"name", row.Str(3)}});
  }
}

}  // namespace

boost::json::array UserItems(db::Conn& c, const db::Where& where, const db::Page& page) {
  const std::string sql =
      fmt::format("SELECT {} FROM {}{}{}", kItemColumns, kUserTable, where.Sql(), page.Sql());
  boost::json::array items;
  for (const auto& row : c.Query(sql, page.Bind(where.params())))
    items.push_back(ItemJson(row));
  AttachRoles(c, items);
  return items;
}

int64_t CountUsers(db::Conn& c, const db::Where& where) {
  return c
      .QueryInt(fmt::format("SELECT COUNT(*) FROM {}{}", kUserTable, where.Sql()), where.params())
      .value_or(0);
}

std::optional<boost::json::object> UserDetail(db::Conn& c, int64_t user_id,
                                              const AccessScope& scope) {
  db::Where where;
  where.Add("u.id = ?", {user_id});
  scope.Apply(where, "u.org_unit_id", "u.id");
  const auto row = c.QueryOne(
      fmt::format("SELECT {} FROM {}{}", kItemColumns, kUserTable, where.Sql()), where.params());
  if (!row) return std::nullopt;

  boost::json::array items{ItemJson(*row)};
  AttachRoles(c, items);
  boost::json::object o = std::move(items[0].as_object());
  o["locale"] = row->Str(12);
  o["must_change_password"] = row->Bool(13);
  o["password_exempt"] = row->Bool(14);
  o["created_at"] = FormatRfc3339(row->Int(15));
  o["updated_at"] = FormatRfc3339(row->Int(16));
  return o;
}

std::optional<int64_t> UserUnitInScope(db::Conn& c, int64_t user_id, const AccessScope& scope) {
  db::Where where;
  where.Add("u.id = ?", {user_id});
  scope.Apply(where, "u.org_unit_id", "u.id");
  return c.QueryInt("SELECT u.org_unit_id FROM users u" + where.Sql(), where.params());
}

}  // namespace anxun::auth
