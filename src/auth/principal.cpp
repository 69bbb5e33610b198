#include "auth/principal.h"

#include "common/error.h"

namespace anxun::auth {

std::string_view ScopeName(ScopeKind k) {
  switch (k) {
    case ScopeKind::kSelf:
      return "self";
    case ScopeKind::kUnit:
      return "unit";
    case ScopeKind::kSubtree:
      return "subtree";
    case ScopeKind::kAll:
      return "all";
  }
  return "self";
}

bool ParseScope(std::string_view s, ScopeKind& out) {
  for (auto k : {ScopeKind::kSelf, ScopeKind::kUnit, ScopeKind::kSubtree, ScopeKind::kAll}) {
    if (ScopeName(k) == s) {
      out = k;
      return true;
    }
  }
  return false;
}

void AccessScope::Apply(db::Where& where, std::string_view unit_column,
                        std::string_view owner_column) const {
  if (all) return;
  if (self_user_id != 0 && unit_ids.empty()) {
    if (owner_column.empty()) {
      where.Add("1 = 0");
    } else {
      where.Add(std::string(owner_column) + " = ?", {self_user_id});
    }
    return;
  }
  where.In(unit_column, std::vector<int64_t>(unit_ids.begin(), unit_ids.end()));
}

const AccessScope& Principal::Require(std::string_view permission) const {
  auto it = grants.find(permission);
  if (it == grants.end()) throw Forbidden();
  return it->second;
}

}  // namespace anxun::auth
