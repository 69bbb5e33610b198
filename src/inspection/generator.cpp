#include "inspection/generator.h"

#include "db/lease.h"

#include "common/clock.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace anxun::inspection {
namespace {

std::optional<int64_t> LatestTemplateVersion(db::Conn& c, const Plan& plan) {
  if (!plan.template_id) return std::nullopt;
  return c.QueryInt(
      "SELECT v.id FROM checklist_template_versions v JOIN checklist_templates t ON "
      "t.id = v.template_id AND v.version_no = t.latest_version WHERE t.id = ?",
      {*plan.template_id});
}

}  // namespace

int64_t GenerateForPlan(db::Conn& c, const Plan& plan, int64_t now, int64_t horizon_ms) {
  if (!plan.active) return 0;
  const int64_t from = std::max(plan.generated_until, now - kMaxCatchUpMs);
  int64_t until = now + horizon_ms;
  if (plan.effective_until) until = std::min(until, *plan.effective_until);
  if (from >= until) return 0;

  const std::vector<int64_t> starts = Occurrences(plan.recurrence(), from, until, 10000);
  const std::vector<int64_t> points = PlanPointIds(c, plan);
  const auto template_version = LatestTemplateVersion(c, plan);
  const std::vector<int64_t> assignees = ResolveAssignees(c, plan);
  int64_t created = 0;
  for (int64_t start : starts) {
    const int64_t due = start + plan.DurationMs();
    auto rows = c.Query(
        "INSERT INTO tasks (plan_id, org_unit_id, title, occurrence_start, start_at, due_at, "
        "grace_until, status, template_version_id, created_at, updated_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) "
        "ON CONFLICT (plan_id, occurrence_start) DO NOTHING RETURNING id",
        {plan.id, plan.org_unit_id, plan.name, start, start, due, due + plan.GraceMs(),
         db::Opt(template_version), now, now});
    if (rows.empty()) continue;  // already there
    const int64_t task_id = rows[0].Int(0);
    int64_t seq = 0;
    for (int64_t point : points) {
      c.Exec("INSERT INTO task_points (task_id, seq, point_id) VALUES (?, ?, ?)",
             {task_id, ++seq, point});
    }
    for (int64_t user : assignees) {
      c.Exec("INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)", {task_id, user});
    }
    ++created;
  }
  // A capped expansion stops the watermark at its last occurrence, to continue from there.
  const int64_t watermark = starts.size() >= 10000 ? starts.back() + 1 : until;
  c.Exec("UPDATE plans SET generated_until = ? WHERE id = ? AND generated_until < ?",
         {watermark, plan.id, watermark});
  return created;
}

int64_t MarkMissed(db::Conn& c, int64_t now) {
  auto rows = c.Query(
      "SELECT id, org_unit_id FROM tasks WHERE status IN ('pending','in_progress') "
      "AND grace_until <= ? ORDER BY id",
      {now});
  for (const auto& r : rows) {
    c.Exec(
        "UPDATE tasks SET status = 'missed', version = version + 1, updated_at = ? "
        "WHERE id = ?",
        {now, r.Int(0)});
    c.Exec(
        "INSERT INTO task_flags (task_id, kind, org_unit_id, created_at) "
        "VALUES (?, 'missed', ?, ?)",
        {r.Int(0), r.Int(1), now});
  }
  return static_cast<int64_t>(rows.size());
}

int64_t MarkMissed(db::Database& db, int64_t now) {
  return db.Write([&](db::Conn& c) { return MarkMissed(c, now); });
}

GenerateResult GenerateTasks(db::Database& db, int64_t now, int64_t horizon_ms,
                             std::string_view holder) {
  GenerateResult out;
  out.leased = db.Write(
      [&](db::Conn& c) { return db::TryLease(c, kGeneratorJob, holder, now, kLeaseTtlMs); });
  if (!out.leased) return out;

  const std::vector<int64_t> ids = db.Read([](db::Conn& c) { return ActivePlanIds(c); });
  for (int64_t id : ids) {
    try {
      out.created += db.Write([&](db::Conn& c) -> int64_t {
        auto plan = FindPlan(c, id);
        return plan ? GenerateForPlan(c, *plan, now, horizon_ms) : 0;
      });
      ++out.plans;
    } catch (const std::exception& e) {
      spdlog::warn("task generator: plan {}: {}", id, e.what());
    }
  }
  out.missed = MarkMissed(db, now);
  if (out.created > 0 || out.missed > 0) {
    spdlog::info("task generator: {} plans, {} tasks created, {} missed", out.plans, out.created,
                 out.missed);
  }
  return out;
}

}  // namespace anxun::inspection
