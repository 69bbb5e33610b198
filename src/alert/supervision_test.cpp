// Supervision reminders with explicit times: owners at the deadline, their
// superiors after the second deadline, each step once per deadline.
#include "alert/supervision.h"

#include "alert/routing_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

using Ids = std::vector<int64_t>;

constexpr int64_t kHour = 3600 * kSec;

class AlertSupervisionTest : public RoutingTest {
 protected:
  int64_t AddHazard(const std::string& level, const std::string& state,
                    std::optional<int64_t> owner, int64_t deadline) {
    return db_->Write([&](db::Conn& c) {
      return c.Insert(
          "INSERT INTO hazards (code, title, level, org_unit_id, reporter_id, found_at, state, "
          "owner_id, deadline, created_at, updated_at) VALUES (?, '消防通道堵塞', ?, ?, ?, ?, ?, "
          "?, ?, ?, ?) RETURNING id",
          {"YH-" + std::to_string(++hazards_), level, team_, worker_, kT0 - kHour, state,
           db::Opt(owner), deadline, kT0, kT0});
    });
  }

  int64_t AddTask(const std::string& status, int64_t due, std::vector<int64_t> assignees) {
    return db_->Write([&](db::Conn& c) {
      const int64_t id = c.Insert(
          "INSERT INTO tasks (org_unit_id, title, start_at, due_at, grace_until, status, "
          "created_at, updated_at) VALUES (?, '储罐区巡检', ?, ?, ?, ?, ?, ?) RETURNING id",
          {team_, due - kHour, due, due, status, kT0, kT0});
      for (int64_t u : assignees)
        c.Exec("INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)", {id, u});
      return id;
    });
  }

  SupervisionRun Run(int64_t now, std::string_view holder = "server-a") {
    return RunSupervision(*db_, now, holder);
  }

  Ids ToldAbout(const char* column, int64_t id) {
    return Column(std::string("SELECT user_id FROM notifications WHERE kind = 'reminder' AND ") +
                      column + " = ? ORDER BY id",
                  {id});
  }

  int hazards_ = 0;
};

TEST_F(AlertSupervisionTest, AnOverdueHazardRemindsItsOwnerThenTheOwnersSuperiors) {
  const int64_t deadline = kT0 + kHour;
  const int64_t id = AddHazard("general", "rectifying", worker_, deadline);

  EXPECT_EQ(Run(deadline - 1).reminders, 0);
  SupervisionRun r = Run(deadline);
  EXPECT_EQ(r.reminders, 1);
  EXPECT_EQ(ToldAbout("hazard_id", id), (Ids{worker_}));
  EXPECT_EQ(Run(deadline + kHour).reminders, 0);  // once per step

  // general: superiors after 48 h; the worker's team is under the workshop.
  EXPECT_EQ(Run(deadline + 48 * kHour - 1).reminders, 0);
  r = Run(deadline + 48 * kHour);
  EXPECT_EQ(r.user_ids, (Ids{head_}));
  EXPECT_EQ(ToldAbout("hazard_id", id), (Ids{worker_, head_}));
  EXPECT_EQ(Run(deadline + 96 * kHour).reminders, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE hazard_id = ? AND link = ?",
                  {id, "/hazards/" + std::to_string(id)}),
            2);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM alert_notices WHERE hazard_id = ? AND kind = 'reminder'", {id}),
      2);
}

TEST_F(AlertSupervisionTest, AMovedDeadlineStartsOverAndAClosedHazardIsLeftAlone) {
  const int64_t id = AddHazard("major", "rectifying", worker_, kT0);
  Run(kT0);
  // Major: superiors at once (supervise_after_s 0), on the next run.
  EXPECT_EQ(Run(kT0 + kSec).user_ids, (Ids{head_}));
  Exec("UPDATE hazards SET deadline = ? WHERE id = ?", {kT0 + 10 * kHour, id});
  EXPECT_EQ(Run(kT0 + 10 * kHour).user_ids, (Ids{worker_}));
  Exec("UPDATE hazards SET state = 'closed' WHERE id = ?", {id});
  EXPECT_EQ(Run(kT0 + 20 * kHour).reminders, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE hazard_id = ? AND popup = 1", {id}), 3);
}

TEST_F(AlertSupervisionTest, AHazardWithoutOwnerRemindsWhoAssignsRectification) {
  const int64_t id = AddHazard("serious", "verified", std::nullopt, kT0);
  Run(kT0);
  EXPECT_EQ(ToldAbout("hazard_id", id), (Ids{head_}));
}

TEST_F(AlertSupervisionTest, AnOverdueTaskRemindsItsAssigneesThenTheirSuperiors) {
  const int64_t late = AddTask("in_progress", kT0, {worker_});
  const int64_t missed = AddTask("missed", kT0, {});
  const int64_t done = AddTask("completed", kT0, {worker_});
  const int64_t old = AddTask("missed", kT0 - kTaskLookbackMs, {worker_});

  Run(kT0);
  EXPECT_EQ(ToldAbout("task_id", late), (Ids{worker_}));
  // Nobody assigned: the nearest members who manage tasks (the plant's safety officer).
  EXPECT_EQ(ToldAbout("task_id", missed), (Ids{safety_}));
  EXPECT_TRUE(ToldAbout("task_id", done).empty());
  EXPECT_TRUE(ToldAbout("task_id", old).empty());

  Run(kT0 + 48 * kHour);
  EXPECT_EQ(ToldAbout("task_id", late), (Ids{worker_, head_}));
}

TEST_F(AlertSupervisionTest, OneServerSends) {
  AddHazard("general", "rectifying", worker_, kT0);
  EXPECT_TRUE(Run(kT0, "server-a").leased);
  EXPECT_FALSE(Run(kT0, "server-b").leased);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder'"), 1);
}

}  // namespace
}  // namespace anxun::alert
