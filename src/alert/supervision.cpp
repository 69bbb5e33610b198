#include "alert/supervision.h"

#include "alert/routing.h"
#include "common/clock.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace anxun::alert {
namespace {

constexpr std::string_view kSupervisionJob = "alert_supervision";

// The record is the claim: a step already recorded inserts nothing.
constexpr const char* kRecord =
    "INSERT INTO supervision_reminders (subject, subject_id, step, deadline, org_unit_id, "
    "recipient_ids, next_step_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (subject, subject_id, step, deadline) DO NOTHING RETURNING subject_id";

// Step 2 is due when step 1 was sent for the same deadline and its
// next_step_at has passed.
constexpr const char* kStepTwoDue =
    "SELECT COUNT(*) FROM supervision_reminders WHERE subject = ? AND subject_id = ? AND "
    "step = 1 AND deadline = ? AND next_step_at IS NOT NULL AND next_step_at <= ?";

constexpr const char* kHazardStepOne =
    "SELECT h.id FROM hazards h WHERE h.state IN ('verified','rectifying') AND "
    "h.deadline IS NOT NULL AND h.deadline <= ? AND NOT EXISTS (SELECT 1 FROM "
    "supervision_reminders r WHERE r.subject = 'hazard' AND r.subject_id = h.id AND r.step = 1 "
    "AND r.deadline = h.deadline) ORDER BY h.deadline, h.id LIMIT ?";

constexpr const char* kTaskStepOne =
    "SELECT t.id FROM tasks t WHERE t.status IN ('pending','in_progress','missed') AND "
    "t.due_at <= ? AND t.due_at > ? AND NOT EXISTS (SELECT 1 FROM supervision_reminders r "
    "WHERE r.subject = 'task' AND r.subject_id = t.id AND r.step = 1 AND r.deadline = t.due_at) "
    "ORDER BY t.due_at, t.id LIMIT ?";

// Step 1 sent, its next_step_at passed, step 2 not sent, and still overdue
// for the same deadline.
constexpr const char* kHazardStepTwo =
    "SELECT r.subject_id FROM supervision_reminders r JOIN hazards h ON h.id = r.subject_id "
    "AND h.deadline = r.deadline WHERE r.subject = 'hazard' AND r.step = 1 AND "
    "r.next_step_at IS NOT NULL AND r.next_step_at <= ? AND "
    "h.state IN ('verified','rectifying') AND NOT EXISTS (SELECT 1 FROM supervision_reminders s "
    "WHERE s.subject = 'hazard' AND s.subject_id = r.subject_id AND s.step = 2 AND "
    "s.deadline = r.deadline) ORDER BY r.next_step_at LIMIT ?";

constexpr const char* kTaskStepTwo =
    "SELECT r.subject_id FROM supervision_reminders r JOIN tasks t ON t.id = r.subject_id "
    "AND t.due_at = r.deadline WHERE r.subject = 'task' AND r.step = 1 AND "
    "r.next_step_at IS NOT NULL AND r.next_step_at <= ? AND "
    "t.status IN ('pending','in_progress','missed') AND NOT EXISTS (SELECT 1 FROM "
    "supervision_reminders s WHERE s.subject = 'task' AND s.subject_id = r.subject_id AND "
    "s.step = 2 AND s.deadline = r.deadline) ORDER BY r.next_step_at LIMIT ?";

std::string Overdue(int64_t deadline, int64_t now) {
  const int64_t hours = std::max<int64_t>((now - deadline) / kHourMs, 0);
  if (hours < 48) return fmt::format("{} 小时", hours);
  return fmt::format("{} 天", hours / 24);
}

std::vector<int64_t> AllUsers(const std::vector<UnitRecipients>& units) {
  std::vector<int64_t> out;
  for (const auto& u : units)
    out.insert(out.end(), u.user_ids.begin(), u.user_ids.end());
  return out;
}

// Records the step (the claim) and writes its notice; nullopt when recorded
// already.
std::optional<std::vector<int64_t>> Send(db::Conn& c, std::string_view subject, int64_t id,
                                         int step, int64_t deadline,
                                         const std::vector<UnitRecipients>& units,
                                         std::optional<int64_t> next_step_at, const Notice& n,
                                         int64_t now) {
  const int64_t unit = units.empty() ? 0 : units.back().org_unit_id;
  if (unit == 0) return std::nullopt;
  auto rows = c.Query(kRecord, {std::string(subject), id, int64_t{step}, deadline, unit,
                                JsonArrayText(AllUsers(units)), db::Opt(next_step_at), now});
  if (rows.empty()) return std::nullopt;
  return WriteNotice(c, n, units, now);
}

std::vector<UnitRecipients> Owners(db::Conn& c, int64_t unit, const std::vector<int64_t>& users,
                                   std::string_view fallback_permission) {
  std::vector<int64_t> active;
  for (int64_t u : users) {
    if (c.QueryInt("SELECT id FROM users WHERE id = ? AND active = 1", {u})) active.push_back(u);
  }
  if (!active.empty()) return {UnitRecipients{unit, active}};
  if (auto h = NearestHolders(c, Chain(c, unit), fallback_permission)) {
    if (h->org_unit_id == unit) return {*h};
    return {UnitRecipients{unit, {}}, *h};
  }
  return {UnitRecipients{unit, {}}};
}

bool StepTwoDue(db::Conn& c, std::string_view subject, int64_t id, int64_t deadline, int64_t now) {
  return c.QueryInt(kStepTwoDue, {std::string(subject), id, deadline, now}).value_or(0) > 0;
}

}  // namespace

std::optional<std::vector<int64_t>> RemindHazard(db::Conn& c, int64_t hazard_id, int step,
                                                 int64_t now) {
  auto h = c.QueryOne(
      "SELECT h.code, h.title, h.level, h.org_unit_id, h.department_id, h.owner_id, h.deadline, "
      "u.display_name, u.org_unit_id FROM hazards h LEFT JOIN users u ON u.id = h.owner_id "
      "WHERE h.id = ? AND h.state IN ('verified','rectifying') AND h.deadline IS NOT NULL",
      {hazard_id});
  if (!h || h->Int(6) > now) return std::nullopt;
  const int64_t deadline = h->Int(6);
  if (step == 2 && !StepTwoDue(c, "hazard", hazard_id, deadline, now)) return std::nullopt;
  const std::string level = h->IsNull(2) ? "general" : h->Str(2);
  const int64_t unit = h->OptInt(4).value_or(h->Int(3));
  const EscalationPolicy p = EffectivePolicy(c, h->Int(3), level);

  Notice n;
  n.kind = "reminder";
  n.hazard_id = hazard_id;
  n.level = level;
  n.popup = PopupLevel(level);
  n.link = fmt::format("/hazards/{}", hazard_id);
  n.body = fmt::format("整改期限 {}，已逾期 {}。", FormatRfc3339(deadline), Overdue(deadline, now));
  if (step == 1) {
    n.title = fmt::format("【督办】隐患 {} 已逾期：{}", h->Str(0), h->Str(1));
    std::vector<int64_t> owner;
    if (auto o = h->OptInt(5)) owner.push_back(*o);
    return Send(c, "hazard", hazard_id, 1, deadline, Owners(c, unit, owner, "hazard.assign"),
                deadline + p.supervise_after_s * 1000, n, now);
  }
  n.title = fmt::format("【督办·上报】隐患 {} 逾期未整改：{}", h->Str(0), h->Str(1));
  if (!h->IsNull(7)) n.body += fmt::format("责任人：{}。", h->Str(7));
  const int64_t owner_unit = h->OptInt(8).value_or(unit);
  return Send(c, "hazard", hazard_id, 2, deadline, Superiors(c, owner_unit, p.roles), std::nullopt,
              n, now);
}

std::optional<std::vector<int64_t>> RemindTask(db::Conn& c, int64_t task_id, int step,
                                               int64_t now) {
  auto t = c.QueryOne(
      "SELECT title, org_unit_id, due_at, status FROM tasks WHERE id = ? AND "
      "status IN ('pending','in_progress','missed')",
      {task_id});
  if (!t || t->Int(2) > now) return std::nullopt;
  const int64_t deadline = t->Int(2);
  const int64_t unit = t->Int(1);
  if (step == 2 && !StepTwoDue(c, "task", task_id, deadline, now)) return std::nullopt;
  const EscalationPolicy p = EffectivePolicy(c, unit, "general");

  Notice n;
  n.kind = "reminder";
  n.task_id = task_id;
  n.level = "general";
  // The assignee opens the task on the phone view; superiors see the task list.
  n.link = step == 1 ? fmt::format("/field/tasks/{}", task_id) : "/inspection/tasks";
  n.body = fmt::format("应完成时间 {}，已逾期 {}{}。", FormatRfc3339(deadline),
                       Overdue(deadline, now), t->Str(3) == "missed" ? "（已漏检）" : "");
  if (step == 1) {
    n.title = fmt::format("【督办】巡检任务逾期未完成：{}", t->Str(0));
    std::vector<int64_t> assignees;
    for (const auto& r : c.Query(
             "SELECT user_id FROM task_assignees WHERE task_id = ? ORDER BY user_id", {task_id}))
      assignees.push_back(r.Int(0));
    return Send(c, "task", task_id, 1, deadline, Owners(c, unit, assignees, "task.manage"),
                deadline + p.supervise_after_s * 1000, n, now);
  }
  n.title = fmt::format("【督办·上报】巡检任务逾期未完成：{}", t->Str(0));
  return Send(c, "task", task_id, 2, deadline, Superiors(c, unit, p.roles), std::nullopt, n, now);
}

SupervisionRun RunSupervision(db::Database& db, int64_t now, std::string_view holder,
                              int64_t limit) {
  SupervisionRun out;
  out.leased =
      db.Write([&](db::Conn& c) { return TryLease(c, kSupervisionJob, holder, now, kLeaseTtlMs); });
  if (!out.leased) return out;

  struct Item {
    bool hazard;
    int64_t id;
    int step;
  };
  const auto items = db.Read([&](db::Conn& c) {
    std::vector<Item> v;
    for (const auto& r : c.Query(kHazardStepOne, {now, limit}))
      v.push_back({true, r.Int(0), 1});
    for (const auto& r : c.Query(kHazardStepTwo, {now, limit}))
      v.push_back({true, r.Int(0), 2});
    for (const auto& r : c.Query(kTaskStepOne, {now, now - kTaskLookbackMs, limit}))
      v.push_back({false, r.Int(0), 1});
    for (const auto& r : c.Query(kTaskStepTwo, {now, limit}))
      v.push_back({false, r.Int(0), 2});
    return v;
  });
  BatchResult r = WriteEach(
      db, items.size(),
      [&](db::Conn& c, size_t i) {
        const Item& it = items[i];
        return it.hazard ? RemindHazard(c, it.id, it.step, now)
                         : RemindTask(c, it.id, it.step, now);
      },
      "supervision");
  out.reminders = r.done;
  out.user_ids = std::move(r.user_ids);
  if (out.reminders > 0) spdlog::info("supervision: {} reminder(s) sent", out.reminders);
  NotifyListeners(out.user_ids);
  return out;
}

}  // namespace anxun::alert
