#include "auth/grants.h"

#include <map>

namespace anxun::auth {
namespace {

constexpr const char* kSelectUser =
    "SELECT u.id, u.username, u.display_name, u.org_unit_id, u.is_service, o.path "
    "FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ? AND u.active = 1";

constexpr const char* kSelectRolePermissions =
    "SELECT r.id, r.code, r.name, r.scope, rp.permission FROM user_roles ur "
    "JOIN roles r ON r.id = ur.role_id LEFT JOIN role_permissions rp ON rp.role_id = r.id "
    "WHERE ur.user_id = ? AND r.active = 1 ORDER BY r.id, rp.permission";

constexpr const char* kSelectSubtreeByPath = "SELECT id FROM org_units WHERE path LIKE ?";

constexpr const char* kSelectSubtreeByParent =
    "WITH RECURSIVE t(id) AS (SELECT id FROM org_units WHERE id = ? "
    "UNION ALL SELECT o.id FROM org_units o JOIN t ON o.parent_id = t.id) SELECT id FROM t";

// A path is usable as a LIKE prefix only in its maintained form "/1/4/9/".
bool WellFormedPath(std::string_view path) {
  if (path.size() < 3 || path.front() != '/' || path.back() != '/') return false;
  for (char ch : path) {
    if (ch != '/' && (ch < '0' || ch > '9')) return false;
  }
  return true;
}

// The widest scope each permission is granted with, over all roles.
using WidestScopes = std::map<std::string, ScopeKind, std::less<>>;

void Widen(WidestScopes& widest, const std::string& permission, ScopeKind k) {
  auto [it, inserted] = widest.emplace(permission, k);
  if (!inserted && static_cast<int>(k) > static_cast<int>(it->second)) it->second = k;
}

AccessScope MakeScope(ScopeKind k, const Principal& p, const std::set<int64_t>& subtree) {
  AccessScope s;
  switch (k) {
    case ScopeKind::kAll:
      s.all = true;
      break;
    case ScopeKind::kSubtree:
      s.unit_ids = subtree;
      break;
    case ScopeKind::kUnit:
      s.unit_ids = {p.org_unit_id};
      break;
    case ScopeKind::kSelf:
      s.self_user_id = p.user_id;
      break;
  }
  return s;
}

}  // namespace

std::optional<Principal> LoadPrincipal(db::Conn& c, int64_t user_id) {
  const auto row = c.QueryOne(kSelectUser, {user_id});
  if (!row) return std::nullopt;

  Principal p;
  p.user_id = row->Int(0);
  p.username = row->Str(1);
  p.display_name = row->Str(2);
  p.org_unit_id = row->Int(3);
  p.is_service = row->Bool(4);
  LoadGrants(c, p, row->Str(5));
  return p;
}

void LoadGrants(db::Conn& c, Principal& p, std::string_view unit_path) {
  p.roles.clear();
  p.grants.clear();

  WidestScopes widest;
  for (const auto& row : c.Query(kSelectRolePermissions, {p.user_id})) {
    ScopeKind k = ScopeKind::kSelf;
    ParseScope(row.Str(3), k);
    if (p.roles.empty() || p.roles.back().id != row.Int(0)) {
      p.roles.push_back({row.Int(0), row.Str(1), row.Str(2), k});
    }
    if (!row.IsNull(4)) Widen(widest, row.Str(4), k);
  }

  std::set<int64_t> subtree;
  for (const auto& [permission, k] : widest) {
    if (k == ScopeKind::kSubtree && subtree.empty()) {
      subtree = SubtreeUnits(c, p.org_unit_id, unit_path);
    }
    p.grants.emplace(permission, MakeScope(k, p, subtree));
  }
}

std::set<int64_t> SubtreeUnits(db::Conn& c, int64_t unit_id, std::string_view unit_path) {
  const db::Rows rows = WellFormedPath(unit_path)
                            ? c.Query(kSelectSubtreeByPath, {std::string(unit_path) + "%"})
                            : c.Query(kSelectSubtreeByParent, {unit_id});
  std::set<int64_t> ids{unit_id};
  for (const auto& row : rows)
    ids.insert(row.Int(0));
  return ids;
}

}  // namespace anxun::auth
