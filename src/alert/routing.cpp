#include "alert/routing.h"

#include "common/clock.h"
#include "org/org_units.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace anxun::alert {
namespace {

constexpr const char* kRuleColumns =
    "id, org_unit_id, level, roles, reach, user_ids, responsible, popup, version, updated_at";

RoutingRule RuleFrom(const db::Row& r) {
  RoutingRule x;
  x.id = r.Int(0);
  x.org_unit_id = r.OptInt(1);
  x.level = r.Str(2);
  x.roles = JsonStrings(r.Str(3));
  x.reach = r.Str(4);
  x.user_ids = JsonInts(r.Str(5));
  x.responsible = r.Bool(6);
  x.popup = r.Bool(7);
  x.version = r.Int(8);
  x.updated_at = r.Int(9);
  return x;
}

// Used only if the product default row was deleted by hand.
RoutingRule FallbackRule(std::string_view level) {
  RoutingRule r;
  r.level = std::string(level);
  r.responsible = true;
  r.popup = PopupLevel(level);
  return r;
}

std::vector<int64_t> PathIds(std::string_view path) {
  std::vector<int64_t> ids;
  std::stringstream in{std::string(path)};
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) ids.push_back(std::stoll(part));
  }
  return ids;
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += i ? ", ?" : "?";
  return s;
}

// Adds `users` to the entry of `unit` (a new entry at the end when absent).
void AddTo(std::vector<UnitRecipients>& units, int64_t unit, const std::vector<int64_t>& users) {
  auto it = std::find_if(units.begin(), units.end(),
                         [&](const UnitRecipients& u) { return u.org_unit_id == unit; });
  if (it == units.end()) it = units.insert(units.end(), UnitRecipients{unit, {}});
  for (int64_t user : users) {
    if (std::find(it->user_ids.begin(), it->user_ids.end(), user) == it->user_ids.end())
      it->user_ids.push_back(user);
  }
}

bool AnyUsers(const std::vector<UnitRecipients>& units) {
  return std::any_of(units.begin(), units.end(),
                     [](const UnitRecipients& u) { return !u.user_ids.empty(); });
}

std::optional<int64_t> ActiveUser(db::Conn& c, std::optional<int64_t> id) {
  if (!id) return std::nullopt;
  return c.QueryInt("SELECT id FROM users WHERE id = ? AND active = 1 AND is_service = 0", {*id});
}

}  // namespace

const std::vector<std::string_view>& Reaches() {
  static const std::vector<std::string_view> all = {"unit", "nearest", "plant_and_above",
                                                    "unit_and_above"};
  return all;
}

std::vector<std::string> JsonStrings(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& x : v.as_array())
    if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}

std::vector<int64_t> JsonInts(std::string_view text) {
  std::vector<int64_t> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& x : v.as_array())
    if (x.is_int64()) out.push_back(x.as_int64());
  return out;
}

std::string JsonArrayText(const std::vector<std::string>& values) {
  boost::json::array a;
  for (const auto& v : values)
    a.emplace_back(v);
  return boost::json::serialize(a);
}

std::string JsonArrayText(const std::vector<int64_t>& values) {
  boost::json::array a;
  for (int64_t v : values)
    a.emplace_back(v);
  return boost::json::serialize(a);
}

std::vector<UnitNode> Chain(db::Conn& c, int64_t unit_id) {
  auto path = c.QueryOne("SELECT path FROM org_units WHERE id = ?", {unit_id});
  if (!path) return {};
  std::vector<int64_t> ids = PathIds(path->Str(0));
  if (ids.empty()) ids.push_back(unit_id);

  db::Params params(ids.begin(), ids.end());
  std::map<int64_t, UnitNode> nodes;
  for (const auto& r : c.Query(
           "SELECT id, kind, name FROM org_units WHERE id IN (" + Placeholders(ids.size()) + ")",
           params))
    nodes[r.Int(0)] = UnitNode{r.Int(0), r.Str(1), r.Str(2)};

  std::vector<UnitNode> chain;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    if (auto n = nodes.find(*it); n != nodes.end()) chain.push_back(n->second);
  }
  return chain;
}

std::vector<int64_t> ReachUnits(const std::vector<UnitNode>& chain, std::string_view reach,
                                const std::function<bool(int64_t)>& staffed) {
  std::vector<int64_t> out;
  if (chain.empty()) return out;
  if (reach == "unit") return {chain.front().id};
  if (reach == "nearest") {
    for (const auto& u : chain) {
      if (staffed(u.id)) return {u.id};
    }
    return out;
  }
  size_t from = 0;
  if (reach == "plant_and_above") {
    const int plant = org::KindRank("plant");
    while (from + 1 < chain.size() && org::KindRank(chain[from].kind) > plant)
      ++from;
  }
  for (size_t i = from; i < chain.size(); ++i)
    out.push_back(chain[i].id);
  return out;
}

size_t ChainRank(const std::vector<UnitNode>& chain, std::optional<int64_t> unit) {
  for (size_t i = 0; unit && i < chain.size(); ++i) {
    if (chain[i].id == *unit) return i;
  }
  return chain.size();
}

std::string OrInChain(const std::vector<UnitNode>& chain, db::Params& params) {
  if (chain.empty()) return "";
  for (const auto& u : chain)
    params.emplace_back(u.id);
  return " OR org_unit_id IN (" + Placeholders(chain.size()) + ")";
}

int64_t HighestTold(const std::vector<UnitNode>& chain, const std::vector<UnitRecipients>& told) {
  size_t best = 0;
  for (const auto& u : told) {
    const size_t rank = ChainRank(chain, u.org_unit_id);
    if (!u.user_ids.empty() && rank < chain.size()) best = std::max(best, rank);
  }
  return chain.empty() ? 0 : chain[best].id;
}

RoutingRule EffectiveRule(db::Conn& c, int64_t unit_id, std::string_view level) {
  const std::vector<UnitNode> chain = Chain(c, unit_id);
  db::Params params{std::string(level)};
  const std::string sql = std::string("SELECT ") + kRuleColumns +
                          " FROM alert_routing_rules WHERE level = ? AND (org_unit_id IS NULL" +
                          OrInChain(chain, params) + ")";

  std::optional<RoutingRule> best;
  size_t best_rank = chain.size() + 1;
  for (const auto& r : c.Query(sql, params)) {
    RoutingRule rule = RuleFrom(r);
    const size_t rank = ChainRank(chain, rule.org_unit_id);  // the product default ranks last
    if (rank < best_rank) {
      best_rank = rank;
      best = std::move(rule);
    }
  }
  return best ? *best : FallbackRule(level);
}

std::vector<RoutingRule> OwnRules(db::Conn& c, int64_t unit_id) {
  std::vector<RoutingRule> out;
  for (const auto& r : c.Query(std::string("SELECT ") + kRuleColumns +
                                   " FROM alert_routing_rules WHERE org_unit_id = ?",
                               {unit_id}))
    out.push_back(RuleFrom(r));
  std::sort(out.begin(), out.end(), [](const RoutingRule& a, const RoutingRule& b) {
    return LevelRank(a.level) < LevelRank(b.level);
  });
  return out;
}

std::vector<int64_t> UsersWithRoles(db::Conn& c, int64_t unit_id,
                                    const std::vector<std::string>& roles) {
  std::vector<int64_t> out;
  if (roles.empty()) return out;
  db::Params params{unit_id};
  params.insert(params.end(), roles.begin(), roles.end());
  for (const auto& r :
       c.Query("SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id "
               "JOIN roles r ON r.id = ur.role_id WHERE u.org_unit_id = ? AND u.active = 1 AND "
               "u.is_service = 0 AND r.active = 1 AND r.code IN (" +
                   Placeholders(roles.size()) + ") ORDER BY u.id",
               params))
    out.push_back(r.Int(0));
  return out;
}

std::vector<int64_t> UsersWithPermission(db::Conn& c, int64_t unit_id,
                                         std::string_view permission) {
  std::vector<int64_t> out;
  for (const auto& r :
       c.Query("SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id "
               "JOIN roles r ON r.id = ur.role_id JOIN role_permissions p ON p.role_id = r.id "
               "WHERE u.org_unit_id = ? AND u.active = 1 AND u.is_service = 0 AND r.active = 1 "
               "AND p.permission = ? ORDER BY u.id",
               {unit_id, std::string(permission)}))
    out.push_back(r.Int(0));
  return out;
}

std::optional<UnitRecipients> NearestHolders(db::Conn& c, const std::vector<UnitNode>& chain,
                                             std::string_view permission) {
  for (const auto& u : chain) {
    auto users = UsersWithPermission(c, u.id, permission);
    if (!users.empty()) return UnitRecipients{u.id, std::move(users)};
  }
  return std::nullopt;
}

std::vector<UnitRecipients> ResolveRecipients(db::Conn& c, const Target& t,
                                              const RoutingRule& rule) {
  const std::vector<UnitNode> chain = Chain(c, t.org_unit_id);
  std::vector<UnitRecipients> units;
  if (chain.empty()) return units;
  const int64_t own = chain.front().id;
  AddTo(units, own, {});

  auto handlers = [&] {
    if (auto h = NearestHolders(c, chain, "alert.handle"))
      AddTo(units, h->org_unit_id, h->user_ids);
  };
  if (rule.responsible) {
    std::optional<int64_t> responsible;
    if (t.point_id) {
      responsible = ActiveUser(
          c, c.QueryInt("SELECT responsible_user_id FROM points WHERE id = ?", {*t.point_id}));
    }
    if (responsible)
      AddTo(units, own, {*responsible});
    else
      handlers();
  }

  std::map<int64_t, std::vector<int64_t>> holders;
  auto holders_of = [&](int64_t unit) -> const std::vector<int64_t>& {
    auto it = holders.find(unit);
    if (it == holders.end()) it = holders.emplace(unit, UsersWithRoles(c, unit, rule.roles)).first;
    return it->second;
  };
  if (!rule.roles.empty()) {
    auto staffed = [&](int64_t unit) { return !holders_of(unit).empty(); };
    for (int64_t unit : ReachUnits(chain, rule.reach, staffed))
      AddTo(units, unit, holders_of(unit));
  }

  for (int64_t user : rule.user_ids) {
    if (ActiveUser(c, user)) AddTo(units, own, {user});
  }
  if (!AnyUsers(units)) handlers();
  return units;
}

Notice AlertNotice(db::Conn& c, const Alert& a, std::string_view reason, bool popup,
                   DispatchCache* cache) {
  auto rule_name = [&] {
    auto n = c.QueryOne("SELECT name FROM alert_rules WHERE rule = ?", {a.rule});
    return n && !n->Str(0).empty() ? n->Str(0) : a.rule;
  };
  auto unit_name = [&] {
    auto u = c.QueryOne("SELECT name FROM org_units WHERE id = ?", {a.org_unit_id});
    return u ? u->Str(0) : std::string();
  };
  std::string rule_text, unit_text;
  if (cache) {
    auto r = cache->rule_names.find(a.rule);
    if (r == cache->rule_names.end()) r = cache->rule_names.emplace(a.rule, rule_name()).first;
    auto u = cache->unit_names.find(a.org_unit_id);
    if (u == cache->unit_names.end())
      u = cache->unit_names.emplace(a.org_unit_id, unit_name()).first;
    rule_text = r->second;
    unit_text = u->second;
  } else {
    rule_text = rule_name();
    unit_text = unit_name();
  }

  Notice n;
  n.kind = "alert";
  n.alert_id = a.id;
  n.level = a.level;
  n.popup = popup;
  n.link = fmt::format("/alerts/{}", a.id);
  n.title = fmt::format("【{}】{} · {}{}", LevelLabel(a.level), rule_text, unit_text,
                        reason == "level_raise" ? "（级别升高）" : "");
  n.body = fmt::format("告警 #{} · {} 次 · 首次 {} · 最近 {}", a.id, a.count,
                       FormatRfc3339(a.first_seen), FormatRfc3339(a.last_seen));
  if (a.camera_id) n.body += " · 摄像头 " + *a.camera_id;
  return n;
}

}  // namespace anxun::alert
