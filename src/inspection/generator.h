// The task generator: one task per plan occurrence, created ahead of time.
//
// For every active plan it expands the plan's recurrence (recurrence.h, the
// same expansion as the occurrences preview) from the plan's watermark
// (plans.generated_until) up to now + horizon, inserts each occurrence with
// INSERT ... ON CONFLICT (plan_id, occurrence_start) DO NOTHING, and moves the
// watermark. Running it twice, or on two servers at once, creates nothing
// twice; after the server was down it catches up (at most kMaxCatchUpMs back),
// and tasks whose window already closed are then marked missed.
//
// With several servers on one PostgreSQL exactly one generates: GenerateTasks
// first takes the lease row "task_generator" in job_leases (UPDATE ... WHERE
// expires_at < now OR holder = me); a server without the lease does nothing.
//
// The server is expected to call GenerateTasks on a timer (every minute or
// so); it blocks on the database writer, so call it off the I/O threads.
#pragma once

#include "db/db.h"
#include "db/lease.h"
#include "inspection/plans.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace anxun::inspection {

constexpr int64_t kDefaultHorizonMs = 48LL * 3600 * 1000;
constexpr int64_t kMaxCatchUpMs = 31LL * 24 * 3600 * 1000;
constexpr int64_t kLeaseTtlMs = 5LL * 60 * 1000;
constexpr std::string_view kGeneratorJob = "task_generator";

struct GenerateResult {
  bool leased = false;  // false: another server holds the lease; nothing was done
  int64_t plans = 0;    // plans looked at
  int64_t created = 0;  // tasks created
  int64_t missed = 0;   // tasks marked missed
};

// Creates the tasks of `plan` for occurrences in [max(watermark, now -
// kMaxCatchUpMs), now + horizon), bounded by effective_until, and advances the
// watermark. Returns how many tasks it created. REQUIRES: inside Database::Write.
int64_t GenerateForPlan(db::Conn& c, const Plan& plan, int64_t now, int64_t horizon_ms);

// Marks pending and in-progress tasks whose grace window closed at or before
// `now` as missed, with a task_flags record each for the alert module.
// Returns how many. REQUIRES: inside Database::Write.
int64_t MarkMissed(db::Conn& c, int64_t now);
int64_t MarkMissed(db::Database& db, int64_t now);

// The whole run: lease, every active plan (each in its own Write), then MarkMissed.
GenerateResult GenerateTasks(db::Database& db, int64_t now, int64_t horizon_ms = kDefaultHorizonMs,
                             std::string_view holder = db::LeaseHolder());

}  // namespace anxun::inspection
