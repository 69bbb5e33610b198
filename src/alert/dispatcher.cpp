// The dispatcher declared in routing.h: alert_outbox rows (written by
// store.cpp in the same transaction as the alert change) become
// notifications and notices, each row claimed by a conditional update so
// that two servers never route it twice.
#include "alert/escalation.h"
#include "alert/routing.h"

namespace anxun::alert {
namespace {

constexpr const char* kClaim =
    "UPDATE alert_outbox SET state = 'done' WHERE id = ? AND state = 'pending'";

void SetState(db::Conn& c, int64_t outbox_id, std::string_view state) {
  c.Exec("UPDATE alert_outbox SET state = ? WHERE id = ?", {std::string(state), outbox_id});
}

const DispatchCache::Route& RouteOf(db::Conn& c, DispatchCache& cache, const Alert& a,
                                    const std::string& level) {
  const auto key = std::make_tuple(a.org_unit_id, level, a.point_id.value_or(0));
  auto it = cache.routes.find(key);
  if (it != cache.routes.end()) return it->second;
  DispatchCache::Route route;
  route.rule = EffectiveRule(c, a.org_unit_id, level);
  route.units = ResolveRecipients(c, Target{a.org_unit_id, a.point_id}, route.rule);
  route.start_unit_id = HighestTold(Chain(c, a.org_unit_id), route.units);
  return cache.routes.emplace(key, std::move(route)).first->second;
}

const EscalationPolicy& PolicyOf(db::Conn& c, DispatchCache& cache, const Alert& a) {
  const auto key = std::make_pair(a.org_unit_id, a.level);
  auto it = cache.policies.find(key);
  if (it == cache.policies.end())
    it = cache.policies.emplace(key, EffectivePolicy(c, a.org_unit_id, a.level)).first;
  return it->second;
}

}  // namespace

std::vector<int64_t> DispatchOne(db::Conn& c, int64_t outbox_id, int64_t now,
                                 DispatchCache* cache) {
  auto row =
      c.QueryOne("SELECT alert_id, reason, level FROM alert_outbox WHERE id = ?", {outbox_id});
  if (!row || c.Exec(kClaim, {outbox_id}) != 1) return {};
  const std::string reason = row->Str(1);
  const std::string level = row->Str(2);

  const auto a = FindAlert(c, row->Int(0));
  if (!a) return {};
  if (a->silenced) {
    SetState(c, outbox_id, "silenced");
    return {};
  }
  if (a->status == "resolved") {
    SetState(c, outbox_id, "skipped");
    return {};
  }

  DispatchCache local;
  DispatchCache& lookups = cache ? *cache : local;
  const DispatchCache::Route& route = RouteOf(c, lookups, *a, level);
  Alert routed = *a;
  routed.level = level;
  const Notice notice =
      AlertNotice(c, routed, reason, route.rule.popup || PopupLevel(level), &lookups);
  auto users = WriteNotice(c, notice, route.units, now);

  if (reason == "level_raise") {
    RaiseEscalation(c, *a, now);
  } else {
    StartEscalation(c, *a, route.start_unit_id, now, &PolicyOf(c, lookups, *a));
  }
  return users;
}

DispatchResult DispatchOutbox(db::Database& db, int64_t now, int64_t limit, int max_batches) {
  DispatchResult out;
  // The lookups read configuration and people only, which dispatching never
  // changes, so they stay valid across batches and WriteEach's retries.
  DispatchCache cache;
  for (int batch = 0; batch < max_batches; ++batch) {
    const auto ids = db.Read([&](db::Conn& c) {
      std::vector<int64_t> v;
      for (const auto& r : c.Query(
               "SELECT id FROM alert_outbox WHERE state = 'pending' ORDER BY id LIMIT ?", {limit}))
        v.push_back(r.Int(0));
      return v;
    });
    out.rows += static_cast<int64_t>(ids.size());
    if (ids.empty()) break;

    BatchResult r = WriteEach(
        db, ids.size(),
        [&](db::Conn& c, size_t i) -> std::optional<std::vector<int64_t>> {
          return DispatchOne(c, ids[i], now, &cache);
        },
        "alert dispatch",
        [&](db::Conn& c, size_t i) {
          c.Exec("UPDATE alert_outbox SET state = 'failed' WHERE id = ? AND state = 'pending'",
                 {ids[i]});
        });
    NotifyListeners(r.user_ids);
    out.user_ids.insert(out.user_ids.end(), r.user_ids.begin(), r.user_ids.end());
    if (static_cast<int64_t>(ids.size()) < limit) break;
  }
  return out;
}

}  // namespace anxun::alert
