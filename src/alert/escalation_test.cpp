// The escalation ladder with explicit times (no sleeping): up the tree past
// units without people, repeats at the top, the count that stops it,
// acknowledgement, silences, per-unit policies and exactly-once steps.
#include "alert/escalation.h"

#include "alert/routing_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

using Ids = std::vector<int64_t>;

constexpr int64_t kDay = 24 * 3600 * kSec;

TEST(EscalationLadder, ClimbsToTheFirstStaffedUnitPassingEmptyOnes) {
  auto staffed = [](int64_t id) { return id == 1 || id == 3; };
  LadderStep s = NextStep(4, {3, 2, 1}, staffed);
  EXPECT_EQ(s.passed, (Ids{3}));
  EXPECT_EQ(s.target, 3);
  EXPECT_TRUE(s.climbed);
  s = NextStep(3, {2, 1}, staffed);
  EXPECT_EQ(s.passed, (Ids{2, 1}));
  EXPECT_EQ(s.target, 1);
  // Nobody anywhere above: the top.
  s = NextStep(3, {2, 1}, [](int64_t) { return false; });
  EXPECT_EQ(s.target, 1);
  // At the top: the same unit again.
  s = NextStep(1, {}, staffed);
  EXPECT_EQ(s.passed, (Ids{1}));
  EXPECT_EQ(s.target, 1);
  EXPECT_FALSE(s.climbed);
}

class EscalationTest : public RoutingTest {
 protected:
  // A general alert at the team, routed at kT0 (the workshop's head is told).
  int64_t RoutedGeneral() {
    const int64_t id = Raise("general", team_, kT0);
    DispatchOutbox(*db_, kT0);
    return id;
  }

  EscalationRun Run(int64_t now, std::string_view holder = "server-a") {
    return RunEscalations(*db_, now, holder);
  }

  int64_t Steps(int64_t alert_id) {
    return Count("SELECT COUNT(*) FROM alert_history WHERE alert_id = ? AND action = 'escalate'",
                 {alert_id});
  }
};

TEST_F(EscalationTest, AnUnacknowledgedAlertClimbsOneUnitPerIntervalThenStops) {
  const int64_t id = RoutedGeneral();
  EXPECT_EQ(Told(id), (Ids{head_}));

  EXPECT_EQ(Run(kT0 + kDay - 1).steps, 0);
  EscalationRun r = Run(kT0 + kDay);
  EXPECT_EQ(r.steps, 1);
  EXPECT_EQ(r.user_ids, (Ids{safety_}));
  EXPECT_EQ(Told(id, "escalation"), (Ids{safety_}));

  // The park has nobody: its notice goes out and the group's manager is told.
  r = Run(kT0 + 2 * kDay);
  EXPECT_EQ(r.user_ids, (Ids{manager_}));
  EXPECT_EQ(Column("SELECT org_unit_id FROM alert_notices WHERE alert_id = ? AND kind = "
                   "'escalation' ORDER BY id",
                   {id}),
            (Ids{plant_, park_, group_}));

  // At the top the manager is reminded again, then the count (3) stops it.
  EXPECT_EQ(Run(kT0 + 3 * kDay).user_ids, (Ids{manager_}));
  EXPECT_EQ(Run(kT0 + 10 * kDay).steps, 0);
  EXPECT_EQ(Steps(id), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.escalate' AND "
                  "object_id = ?",
                  {std::to_string(id)}),
            3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_escalations WHERE alert_id = ? AND "
                  "next_escalation_at IS NULL AND reminders_sent = 3",
                  {id}),
            1);
}

TEST_F(EscalationTest, AcknowledgingStopsTheLadder) {
  const int64_t id = RoutedGeneral();
  Acknowledge(id);
  EXPECT_EQ(Run(kT0 + kDay).steps, 0);
  EXPECT_EQ(Steps(id), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_escalations WHERE alert_id = ? AND "
                  "next_escalation_at IS NULL",
                  {id}),
            1);
}

TEST_F(EscalationTest, MinorAlertsNeverEscalate) {
  const int64_t id = Raise("minor", team_, kT0);
  DispatchOutbox(*db_, kT0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_escalations WHERE alert_id = ? AND "
                  "next_escalation_at IS NULL",
                  {id}),
            1);
  EXPECT_EQ(Run(kT0 + 30 * kDay).steps, 0);
}

TEST_F(EscalationTest, MajorAlertsRemindTheTopAtOnceItsInterval) {
  const int64_t id = Raise("major", team_, kT0);
  DispatchOutbox(*db_, kT0);
  // Routing told the group already: the ladder repeats there every 30 minutes.
  EXPECT_EQ(Run(kT0 + 1800 * kSec).user_ids, (Ids{manager_}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE alert_id = ? AND kind = "
                  "'escalation' AND popup = 1",
                  {id}),
            1);
}

TEST_F(EscalationTest, TheNearestUnitsPolicyTimesTheLadder) {
  Exec(
      "INSERT INTO alert_escalation_policies (org_unit_id, level, escalate_after_s, "
      "max_reminders, roles) VALUES (?, 'general', 60, 1, '[\"manager\"]')",
      {workshop_});
  const int64_t id = RoutedGeneral();
  // Nobody holds "manager" in the plant or park: the step goes to the group.
  EXPECT_EQ(Run(kT0 + 60 * kSec).user_ids, (Ids{manager_}));
  EXPECT_EQ(Run(kT0 + 120 * kSec).steps, 0);
  EXPECT_EQ(Steps(id), 1);
}

TEST_F(EscalationTest, ASilencedAlertIsPutOffWithoutTellingAnyone) {
  const int64_t id = RoutedGeneral();
  Exec("UPDATE alerts SET silenced = 1 WHERE id = ?", {id});
  EXPECT_EQ(Run(kT0 + kDay).steps, 0);
  EXPECT_EQ(Count("SELECT next_escalation_at FROM alert_escalations WHERE alert_id = ?", {id}),
            kT0 + 2 * kDay);
  Exec("UPDATE alerts SET silenced = 0 WHERE id = ?", {id});
  EXPECT_EQ(Run(kT0 + 2 * kDay).user_ids, (Ids{safety_}));
}

TEST_F(EscalationTest, EachStepIsTakenOnce) {
  const int64_t id = RoutedGeneral();
  const auto first = db_->Write([&](db::Conn& c) { return EscalateOne(c, id, kT0 + kDay); });
  const auto again = db_->Write([&](db::Conn& c) { return EscalateOne(c, id, kT0 + kDay); });
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(again.has_value());
  EXPECT_EQ(Steps(id), 1);
}

TEST_F(EscalationTest, OneServerHoldsTheLeaseUntilItExpires) {
  const int64_t id = RoutedGeneral();
  EXPECT_TRUE(Run(kT0 + kDay, "server-a").leased);
  EXPECT_FALSE(Run(kT0 + kDay, "server-b").leased);
  EXPECT_EQ(Steps(id), 1);
  EXPECT_TRUE(Run(kT0 + kDay + kLeaseTtlMs + 1, "server-b").leased);
  EXPECT_FALSE(Run(kT0 + kDay + kLeaseTtlMs + 2, "server-a").leased);
}

TEST_F(EscalationTest, ALevelRaiseFollowsTheFasterPolicy) {
  const int64_t id = RoutedGeneral();
  Exec("UPDATE alerts SET level = 'serious' WHERE id = ?", {id});
  Exec(
      "INSERT INTO alert_outbox (alert_id, reason, level, created_at) "
      "VALUES (?, 'level_raise', 'serious', ?)",
      {id, kT0 + kSec});
  DispatchOutbox(*db_, kT0 + kSec);
  EXPECT_EQ(Count("SELECT next_escalation_at FROM alert_escalations WHERE alert_id = ?", {id}),
            kT0 + kSec + 4 * 3600 * kSec);
}

}  // namespace
}  // namespace anxun::alert
