// Routing (分级推送): who is told about an alert of a level in an org unit,
// and the dispatcher that turns alert_outbox rows into notifications.
//
// A routing rule belongs to an org unit and a level and is inherited down the
// tree: the rule of the nearest unit on the alert unit's path wins, else the
// product default (the row without a unit, seeded by migration 6). A rule
// names roles and where to look for them relative to the alert's unit
// (`reach`), named users, and whether the directly responsible person (the
// point's responsible user, else the nearest members allowed to handle
// alerts) is told. An alert always reaches someone: when the rule finds
// nobody, the nearest members with alert.handle are told.
//
// Functions taking a Conn run inside Read or Write as noted; stateless and
// thread-safe given one Conn per thread.
#pragma once

#include "alert/escalation.h"
#include "alert/notifications.h"
#include "alert/store.h"
#include "db/db.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace anxun::alert {

struct RoutingRule {
  int64_t id = 0;
  std::optional<int64_t> org_unit_id;  // nullopt: the product default
  std::string level;
  std::vector<std::string> roles;  // role codes
  // unit | nearest | plant_and_above | unit_and_above (see ReachUnits).
  std::string reach = "nearest";
  std::vector<int64_t> user_ids;  // named users, always told
  bool responsible = false;       // the directly responsible person
  bool popup = false;
  int64_t version = 1;
  int64_t updated_at = 0;
};

const std::vector<std::string_view>& Reaches();

// JSON array text to values and back (items of another type are skipped;
// text that is not an array gives an empty list).
std::vector<std::string> JsonStrings(std::string_view text);
std::vector<int64_t> JsonInts(std::string_view text);
std::string JsonArrayText(const std::vector<std::string>& values);
std::string JsonArrayText(const std::vector<int64_t>& values);

// A unit of the tree as routing sees it.
struct UnitNode {
  int64_t id = 0;
  std::string kind;
  std::string name;
};

// The unit and its ancestors, the unit first (from org_units.path). Empty
// when the unit does not exist.
std::vector<UnitNode> Chain(db::Conn& c, int64_t unit_id);

// The units of `chain` (the alert's unit first) that `reach` names:
// unit → the alert's unit; nearest → the first unit `staffed` holds (none when
// no unit does); plant_and_above → the alert's plant (the first unit of kind
// plant or above) and every unit above it; unit_and_above → the whole chain.
// Pure.
std::vector<int64_t> ReachUnits(const std::vector<UnitNode>& chain, std::string_view reach,
                                const std::function<bool(int64_t)>& staffed);

// Position of `unit` in `chain` (0 = the chain's own unit); chain.size()
// for nullopt (the product default) and for units not on the chain.
size_t ChainRank(const std::vector<UnitNode>& chain, std::optional<int64_t> unit);

// " OR org_unit_id IN (?, ...)" over the chain's units, appending their ids
// to `params`; "" for an empty chain. For "this unit's row or an ancestor's".
std::string OrInChain(const std::vector<UnitNode>& chain, db::Params& params);

// Of the units in `told` that got users, the one highest up `chain`; the
// chain's own unit when none did.
int64_t HighestTold(const std::vector<UnitNode>& chain, const std::vector<UnitRecipients>& told);

// The rule in force for `unit_id` and `level` (nearest unit's row, else the
// product default; a built-in fallback if even that row was deleted).
RoutingRule EffectiveRule(db::Conn& c, int64_t unit_id, std::string_view level);
// The rule rows of `unit_id` itself (no inheritance), by level order.
std::vector<RoutingRule> OwnRules(db::Conn& c, int64_t unit_id);

// Active, non-service users whose own unit is `unit_id` holding one of
// `roles` / a role that grants `permission`, by id.
std::vector<int64_t> UsersWithRoles(db::Conn& c, int64_t unit_id,
                                    const std::vector<std::string>& roles);
std::vector<int64_t> UsersWithPermission(db::Conn& c, int64_t unit_id, std::string_view permission);
// The first unit of `chain` with members holding `permission`, and them.
std::optional<UnitRecipients> NearestHolders(db::Conn& c, const std::vector<UnitNode>& chain,
                                             std::string_view permission);

// Where an alert happened.
struct Target {
  int64_t org_unit_id = 0;
  std::optional<int64_t> point_id;
};

// The units told and their users under `rule`; the target's own unit comes
// first (its notice reaches the unit's channels even without users there).
std::vector<UnitRecipients> ResolveRecipients(db::Conn& c, const Target& t,
                                              const RoutingRule& rule);

// What the dispatcher looks up once per batch (one Write) rather than once
// per alert: the route of each (unit, level, point), the escalation policy of
// each (unit, level), rule and unit names. Configuration changed by others
// applies from the next batch. Not thread-safe; one per batch.
struct DispatchCache {
  struct Route {
    RoutingRule rule;
    std::vector<UnitRecipients> units;
    int64_t start_unit_id = 0;  // where the escalation ladder starts
  };
  std::map<std::tuple<int64_t, std::string, int64_t>, Route> routes;  // point 0: none
  std::map<std::pair<int64_t, std::string>, EscalationPolicy> policies;
  std::map<std::string, std::string> rule_names;
  std::map<int64_t, std::string> unit_names;
};

// The notice for alert `a` routed for `reason` (open, level_raise); names
// are looked up through `cache` when given.
Notice AlertNotice(db::Conn& c, const Alert& a, std::string_view reason, bool popup,
                   DispatchCache* cache = nullptr);

// Consumes the pending alert_outbox row `outbox_id`: claims it (a row another
// server took already is skipped), routes the alert by its unit and level,
// writes notifications and notices, starts or updates its escalation and
// marks the row done ('silenced' for a silenced alert, 'skipped' for one
// already resolved). Returns the users told. REQUIRES: inside Write.
std::vector<int64_t> DispatchOne(db::Conn& c, int64_t outbox_id, int64_t now,
                                 DispatchCache* cache = nullptr);

struct DispatchResult {
  int64_t rows = 0;  // outbox rows looked at
  std::vector<int64_t> user_ids;
};

// Dispatches the pending outbox rows, oldest first, `limit` rows per Write,
// telling the listeners after each Write, until none is left or
// `max_batches` Writes were done (the rest waits for the next call). When a
// Write fails, retries its rows one by one and marks a row that fails alone
// 'failed' (logged), so one bad row never blocks the rest.
DispatchResult DispatchOutbox(db::Database& db, int64_t now, int64_t limit = 200,
                              int max_batches = 50);

}  // namespace anxun::alert
