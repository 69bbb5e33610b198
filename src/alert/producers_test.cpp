// The in-process producers: hazard and inspection records become events,
// each once, and reach people through the normal routing.
#include "alert/producers.h"

#include "alert/routing_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

using Ids = std::vector<int64_t>;

class AlertProducersTest : public RoutingTest {
 protected:
  int64_t Report(const std::string& level, const std::string& state,
                 std::optional<int64_t> deadline = std::nullopt) {
    return db_->Write([&](db::Conn& c) {
      const int64_t id = c.Insert(
          "INSERT INTO hazards (code, title, level, org_unit_id, reporter_id, found_at, state, "
          "deadline, created_at, updated_at) VALUES (?, '储罐区无紧急切断', ?, ?, ?, ?, ?, ?, ?, "
          "?) RETURNING id",
          {"YH-" + std::to_string(++hazards_), level, plant_, worker_, kT0, state,
           db::Opt(deadline), kT0, kT0});
      History(c, id, state);
      return id;
    });
  }

  void History(db::Conn& c, int64_t hazard, const std::string& state) {
    c.Exec("INSERT INTO hazard_history (hazard_id, action, at, to_state) VALUES (?, 'x', ?, ?)",
           {hazard, kT0, state});
  }

  int64_t Flag(const std::string& kind) {
    return db_->Write([&](db::Conn& c) {
      const int64_t task = c.Insert(
          "INSERT INTO tasks (org_unit_id, title, start_at, due_at, grace_until, status, "
          "created_at, updated_at) VALUES (?, '巡检', ?, ?, ?, 'missed', ?, ?) RETURNING id",
          {team_, kT0, kT0, kT0, kT0, kT0});
      c.Exec("INSERT INTO task_flags (task_id, kind, org_unit_id, created_at) VALUES (?, ?, ?, ?)",
             {task, kind, team_, kT0});
      return task;
    });
  }

  int64_t Produce(int64_t now, std::string_view holder = "server-a") {
    return RunProducers(*db_, now, holder).events;
  }

  Ids AlertsOf(const std::string& rule) {
    return Column("SELECT id FROM alerts WHERE rule = ? ORDER BY id", {rule});
  }

  int hazards_ = 0;
};

TEST_F(AlertProducersTest, AMajorHazardRaisesOneMajorAlertThatReachesManagement) {
  const int64_t major = Report("major", "reported");
  Report("general", "reported");
  EXPECT_EQ(Produce(kT0), 1);
  const Ids alerts = AlertsOf("hazard.major_reported");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE id = ? AND level = 'major' AND "
                  "labels LIKE ?",
                  {alerts[0], "%\"hazard_id\":\"" + std::to_string(major) + "\"%"}),
            1);

  // Later history of the same hazard raises nothing new.
  db_->Write([&](db::Conn& c) { History(c, major, "verified"); });
  EXPECT_EQ(Produce(kT0 + kSec), 0);
  DispatchOutbox(*db_, kT0 + kSec);
  EXPECT_EQ(Told(alerts[0]), (Ids{manager_, safety_}));
}

TEST_F(AlertProducersTest, AHazardBecomingMajorLaterRaisesTheAlertThen) {
  const int64_t id = Report("general", "reported");
  EXPECT_EQ(Produce(kT0), 0);
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE hazards SET level = 'major', state = 'verified' WHERE id = ?", {id});
    History(c, id, "verified");
  });
  EXPECT_EQ(Produce(kT0 + kSec), 1);
}

TEST_F(AlertProducersTest, AnOverdueHazardRaisesOneAlertPerDeadline) {
  const int64_t id = Report("serious", "rectifying", kT0 + 3600 * kSec);
  EXPECT_EQ(Produce(kT0), 0);
  EXPECT_EQ(Produce(kT0 + 3600 * kSec), 1);
  EXPECT_EQ(Produce(kT0 + 7200 * kSec), 0);
  Exec("UPDATE hazards SET deadline = ? WHERE id = ?", {kT0 + 9000 * kSec, id});
  EXPECT_EQ(Produce(kT0 + 9000 * kSec), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE rule = 'hazard.overdue'"), 2);
}

TEST_F(AlertProducersTest, TaskFlagsBecomeEventsOnce) {
  const int64_t missed = Flag("missed");
  Flag("manual_check_in");
  EXPECT_EQ(Produce(kT0), 2);
  EXPECT_EQ(Produce(kT0 + kSec), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM task_flags WHERE consumed_at IS NULL"), 0);
  const Ids alerts = AlertsOf("inspection.missed");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE id = ? AND level = 'general' AND "
                  "org_unit_id = ? AND labels LIKE ?",
                  {alerts[0], team_, "%" + std::to_string(missed) + "%"}),
            1);
  EXPECT_EQ(AlertsOf("inspection.manual_check_in").size(), 1u);
}

TEST_F(AlertProducersTest, OneServerProduces) {
  Report("major", "reported");
  EXPECT_EQ(Produce(kT0, "server-a"), 1);
  Report("major", "reported");
  EXPECT_EQ(Produce(kT0 + kSec, "server-b"), 0);
  EXPECT_EQ(Produce(kT0 + kSec, "server-a"), 1);
}

}  // namespace
}  // namespace anxun::alert
