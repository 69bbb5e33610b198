#include "alert/escalation.h"

#include "alert/routing.h"
#include "audit/audit.h"
#include "common/clock.h"
#include "common/json.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace anxun::alert {
namespace {

constexpr std::string_view kEscalationJob = "alert_escalation";

constexpr const char* kPolicyColumns =
    "id, org_unit_id, level, escalate_after_s, max_reminders, roles, supervise_after_s, version, "
    "updated_at";

constexpr const char* kStart =
    "INSERT INTO alert_escalations (alert_id, level, step, unit_id, reminders_sent, "
    "next_escalation_at, updated_at) VALUES (?, ?, 0, ?, 0, ?, ?) ON CONFLICT (alert_id) DO "
    "NOTHING";

// Takes the step: only the server that still sees `sent_before` changes it.
constexpr const char* kTakeStep =
    "UPDATE alert_escalations SET step = step + ?, unit_id = ?, reminders_sent = ?, level = ?, "
    "next_escalation_at = ?, updated_at = ? WHERE alert_id = ? AND reminders_sent = ?";

constexpr const char* kStop =
    "UPDATE alert_escalations SET next_escalation_at = NULL, updated_at = ? "
    "WHERE alert_id = ? AND reminders_sent = ?";

constexpr const char* kPutOff =
    "UPDATE alert_escalations SET next_escalation_at = ?, updated_at = ? "
    "WHERE alert_id = ? AND reminders_sent = ? AND next_escalation_at = ?";

EscalationPolicy PolicyFrom(const db::Row& r) {
  EscalationPolicy p;
  p.id = r.Int(0);
  p.org_unit_id = r.OptInt(1);
  p.level = r.Str(2);
  p.escalate_after_s = r.Int(3);
  p.max_reminders = r.Int(4);
  p.roles = JsonStrings(r.Str(5));
  p.supervise_after_s = r.Int(6);
  p.version = r.Int(7);
  p.updated_at = r.Int(8);
  return p;
}

// Used only if the product default row was deleted by hand.
EscalationPolicy FallbackPolicy(std::string_view level) {
  EscalationPolicy p;
  p.level = std::string(level);
  p.roles = {"dept_head", "safety_officer", "manager"};
  return p;
}

std::optional<int64_t> NextAt(const EscalationPolicy& p, int64_t sent, int64_t now) {
  if (p.escalate_after_s <= 0 || sent >= p.max_reminders) return std::nullopt;
  return now + p.escalate_after_s * 1000;
}

struct State {
  std::string level;
  int64_t step = 0, unit_id = 0, sent = 0;
  std::optional<int64_t> next_at;
};

std::optional<State> LoadState(db::Conn& c, int64_t alert_id) {
  auto r = c.QueryOne(
      "SELECT level, step, unit_id, reminders_sent, next_escalation_at FROM alert_escalations "
      "WHERE alert_id = ?",
      {alert_id});
  if (!r) return std::nullopt;
  return State{r->Str(0), r->Int(1), r->Int(2), r->Int(3), r->OptInt(4)};
}

boost::json::object StateJson(const State& s) {
  return {{"level", s.level},
          {"step", s.step},
          {"unit_id", s.unit_id},
          {"reminders_sent", s.sent},
          {"next_escalation_at", OptTimeJson(s.next_at)}};
}

std::string Duration(int64_t ms) {
  const int64_t minutes = std::max<int64_t>(ms / 60000, 0);
  if (minutes < 60) return fmt::format("{} 分钟", minutes);
  if (minutes % 60 == 0) return fmt::format("{} 小时", minutes / 60);
  return fmt::format("{} 小时 {} 分钟", minutes / 60, minutes % 60);
}

std::string UnitName(db::Conn& c, int64_t unit_id) {
  auto r = c.QueryOne("SELECT name FROM org_units WHERE id = ?", {unit_id});
  return r ? r->Str(0) : std::to_string(unit_id);
}

// The units of `step` with the policy's people at the target (the units
// passed get their notice without users); nobody anywhere falls back to the
// nearest members who may handle the alert, so the step reaches someone.
std::vector<UnitRecipients> StepRecipients(db::Conn& c, const Alert& a, const LadderStep& step,
                                           const std::vector<int64_t>& target_users) {
  std::vector<UnitRecipients> units;
  for (int64_t unit : step.passed)
    units.push_back({unit, unit == step.target ? target_users : std::vector<int64_t>{}});
  if (target_users.empty()) {
    if (auto h = NearestHolders(c, Chain(c, a.org_unit_id), "alert.handle")) units.push_back(*h);
  }
  return units;
}

void RecordStep(db::Conn& c, const Alert& a, const State& before, const State& after,
                const std::string& target_name, int64_t now) {
  c.Exec(
      "INSERT INTO alert_history (alert_id, action, from_status, to_status, level, actor_id, "
      "note, at) VALUES (?, 'escalate', ?, ?, ?, NULL, ?, ?)",
      {a.id, a.status, a.status, a.level,
       fmt::format("第 {} 次升级 → {} / escalation {} to {}", after.sent, target_name, after.sent,
                   target_name),
       now});
  audit::Append(
      c, audit::Actor{std::nullopt, "system", "", ""},
      {"alert.escalate", "alert", std::to_string(a.id), StateJson(before), StateJson(after)});
}

}  // namespace

EscalationPolicy EffectivePolicy(db::Conn& c, int64_t unit_id, std::string_view level) {
  const std::vector<UnitNode> chain = Chain(c, unit_id);
  db::Params params{std::string(level)};
  const std::string sql = std::string("SELECT ") + kPolicyColumns +
                          " FROM alert_escalation_policies WHERE level = ? AND "
                          "(org_unit_id IS NULL" +
                          OrInChain(chain, params) + ")";

  std::optional<EscalationPolicy> best;
  size_t best_rank = chain.size() + 1;
  for (const auto& r : c.Query(sql, params)) {
    EscalationPolicy p = PolicyFrom(r);
    const size_t rank = ChainRank(chain, p.org_unit_id);
    if (rank < best_rank) {
      best_rank = rank;
      best = std::move(p);
    }
  }
  return best ? *best : FallbackPolicy(level);
}

std::vector<EscalationPolicy> OwnPolicies(db::Conn& c, int64_t unit_id) {
  std::vector<EscalationPolicy> out;
  for (const auto& r : c.Query(std::string("SELECT ") + kPolicyColumns +
                                   " FROM alert_escalation_policies WHERE org_unit_id = ?",
                               {unit_id}))
    out.push_back(PolicyFrom(r));
  std::sort(out.begin(), out.end(), [](const EscalationPolicy& a, const EscalationPolicy& b) {
    return LevelRank(a.level) < LevelRank(b.level);
  });
  return out;
}

LadderStep NextStep(int64_t current, const std::vector<int64_t>& above,
                    const std::function<bool(int64_t)>& staffed) {
  LadderStep s;
  if (above.empty()) {
    s.passed = {current};
    s.target = current;
    return s;
  }
  s.climbed = true;
  for (int64_t unit : above) {
    s.passed.push_back(unit);
    if (staffed(unit)) break;
  }
  s.target = s.passed.back();
  return s;
}

std::vector<UnitRecipients> Superiors(db::Conn& c, int64_t unit_id,
                                      const std::vector<std::string>& roles) {
  const std::vector<UnitNode> chain = Chain(c, unit_id);
  std::vector<int64_t> above;
  for (size_t i = 1; i < chain.size(); ++i)
    above.push_back(chain[i].id);
  std::map<int64_t, std::vector<int64_t>> holders;
  auto holders_of = [&](int64_t unit) -> const std::vector<int64_t>& {
    auto it = holders.find(unit);
    if (it == holders.end()) it = holders.emplace(unit, UsersWithRoles(c, unit, roles)).first;
    return it->second;
  };
  const LadderStep step =
      NextStep(unit_id, above, [&](int64_t unit) { return !holders_of(unit).empty(); });
  std::vector<UnitRecipients> out;
  for (int64_t unit : step.passed)
    out.push_back({unit, unit == step.target ? holders_of(unit) : std::vector<int64_t>{}});
  return out;
}

void StartEscalation(db::Conn& c, const Alert& a, int64_t start_unit_id, int64_t now,
                     const EscalationPolicy* policy) {
  const EscalationPolicy p = policy ? *policy : EffectivePolicy(c, a.org_unit_id, a.level);
  c.Exec(kStart, {a.id, a.level, start_unit_id, db::Opt(NextAt(p, 0, now)), now});
}

void RaiseEscalation(db::Conn& c, const Alert& a, int64_t now) {
  const auto state = LoadState(c, a.id);
  if (!state) {
    StartEscalation(c, a, a.org_unit_id, now);
    return;
  }
  const EscalationPolicy p = EffectivePolicy(c, a.org_unit_id, a.level);
  std::optional<int64_t> next = NextAt(p, state->sent, now);
  if (state->next_at && (!next || *state->next_at < *next)) next = state->next_at;
  c.Exec(
      "UPDATE alert_escalations SET level = ?, next_escalation_at = ?, updated_at = ? "
      "WHERE alert_id = ?",
      {a.level, db::Opt(next), now, a.id});
}

std::optional<std::vector<int64_t>> EscalateOne(db::Conn& c, int64_t alert_id, int64_t now) {
  const auto before = LoadState(c, alert_id);
  if (!before || !before->next_at || *before->next_at > now) return std::nullopt;
  const auto a = FindAlert(c, alert_id);
  const EscalationPolicy p = a ? EffectivePolicy(c, a->org_unit_id, a->level) : EscalationPolicy{};
  if (!a || a->status != "open" || p.escalate_after_s <= 0 || before->sent >= p.max_reminders) {
    c.Exec(kStop, {now, alert_id, before->sent});
    return std::nullopt;
  }
  if (a->silenced) {
    c.Exec(kPutOff,
           {now + p.escalate_after_s * 1000, now, alert_id, before->sent, *before->next_at});
    return std::nullopt;
  }

  const std::vector<UnitNode> chain = Chain(c, before->unit_id);
  std::vector<int64_t> above;
  for (size_t i = 1; i < chain.size(); ++i)
    above.push_back(chain[i].id);
  std::map<int64_t, std::vector<int64_t>> holders;
  auto holders_of = [&](int64_t unit) -> const std::vector<int64_t>& {
    auto it = holders.find(unit);
    if (it == holders.end()) it = holders.emplace(unit, UsersWithRoles(c, unit, p.roles)).first;
    return it->second;
  };
  const LadderStep step =
      NextStep(before->unit_id, above, [&](int64_t unit) { return !holders_of(unit).empty(); });

  State after{a->level, before->step + (step.climbed ? 1 : 0), step.target, before->sent + 1,
              NextAt(p, before->sent + 1, now)};
  if (c.Exec(kTakeStep, {int64_t{step.climbed}, after.unit_id, after.sent, after.level,
                         db::Opt(after.next_at), now, alert_id, before->sent}) != 1)
    return std::nullopt;

  const std::string target_name = UnitName(c, step.target);
  Notice n = AlertNotice(c, *a, "escalate", PopupLevel(a->level));
  n.kind = "escalation";
  n.title = "【超时升级】" + n.title;
  n.body = fmt::format("已 {} 无人确认，第 {} 次升级至 {}。", Duration(now - a->created_at),
                       after.sent, target_name) +
           n.body;
  auto users = WriteNotice(c, n, StepRecipients(c, *a, step, holders_of(step.target)), now);
  RecordStep(c, *a, *before, after, target_name, now);
  return users;
}

EscalationRun RunEscalations(db::Database& db, int64_t now, std::string_view holder,
                             int64_t limit) {
  EscalationRun out;
  out.leased =
      db.Write([&](db::Conn& c) { return TryLease(c, kEscalationJob, holder, now, kLeaseTtlMs); });
  if (!out.leased) return out;

  const auto ids = db.Read([&](db::Conn& c) {
    std::vector<int64_t> v;
    for (const auto& r :
         c.Query("SELECT alert_id FROM alert_escalations WHERE next_escalation_at IS NOT NULL AND "
                 "next_escalation_at <= ? ORDER BY next_escalation_at, alert_id LIMIT ?",
                 {now, limit}))
      v.push_back(r.Int(0));
    return v;
  });
  BatchResult r = WriteEach(
      db, ids.size(), [&](db::Conn& c, size_t i) { return EscalateOne(c, ids[i], now); },
      "alert escalation",
      [&](db::Conn& c, size_t i) {
        c.Exec("UPDATE alert_escalations SET next_escalation_at = NULL WHERE alert_id = ?",
               {ids[i]});
      });
  out.steps = r.done;
  out.user_ids = std::move(r.user_ids);
  if (out.steps > 0) spdlog::info("alert escalation: {} step(s) taken", out.steps);
  NotifyListeners(out.user_ids);
  return out;
}

}  // namespace anxun::alert
