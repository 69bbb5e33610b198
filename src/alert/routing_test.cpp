// Routing by level along the org tree, the dispatcher's exactly-once
// consumption of the outbox, silences, inherited rules, and the users'
// notification feed.
#include "alert/routing.h"

#include "alert/routing_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

using Ids = std::vector<int64_t>;

TEST(RoutingReach, NamesTheUnitsOfEachReach) {
  const std::vector<UnitNode> chain = {{5, "team", "T"},
                                       {4, "workshop", "W"},
                                       {3, "plant", "F"},
                                       {2, "park", "P"},
                                       {1, "group", "G"}};
  auto staffed = [](int64_t id) { return id == 4 || id == 1; };
  EXPECT_EQ(ReachUnits(chain, "unit", staffed), (Ids{5}));
  EXPECT_EQ(ReachUnits(chain, "nearest", staffed), (Ids{4}));
  EXPECT_EQ(ReachUnits(chain, "plant_and_above", staffed), (Ids{3, 2, 1}));
  EXPECT_EQ(ReachUnits(chain, "unit_and_above", staffed), (Ids{5, 4, 3, 2, 1}));
  EXPECT_TRUE(ReachUnits(chain, "nearest", [](int64_t) { return false; }).empty());
  // An alert at the park: its "plant and above" starts at the park itself.
  const std::vector<UnitNode> high(chain.begin() + 3, chain.end());
  EXPECT_EQ(ReachUnits(high, "plant_and_above", staffed), (Ids{2, 1}));
  EXPECT_TRUE(ReachUnits({}, "unit", staffed).empty());
}

using RoutingDispatchTest = RoutingTest;

TEST_F(RoutingDispatchTest, MajorReachesManagementAndSafetyOfThePlantAndAbovePoppingUp) {
  const int64_t id = Raise("major", team_, kT0);
  const DispatchResult r = DispatchOutbox(*db_, kT0 + kSec);
  EXPECT_EQ(r.rows, 1);
  EXPECT_EQ(Told(id), (Ids{manager_, safety_}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE alert_id = ? AND popup = 1", {id}), 2);
  // One notice per unit told: the alert's team, then the plant, park and group.
  EXPECT_EQ(Column("SELECT org_unit_id FROM alert_notices WHERE alert_id = ? ORDER BY id", {id}),
            (Ids{team_, plant_, park_, group_}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_outbox WHERE alert_id = ? AND state = 'done'", {id}),
            1);
}

TEST_F(RoutingDispatchTest, SeriousReachesTheNearestDepartmentHead) {
  const int64_t id = Raise("serious", team_, kT0);
  DispatchOutbox(*db_, kT0);
  EXPECT_EQ(Told(id), (Ids{head_}));
  EXPECT_EQ(Count("SELECT popup FROM notifications WHERE alert_id = ?", {id}), 1);
}

TEST_F(RoutingDispatchTest, GeneralReachesThePointsResponsibleElseTheNearestHandlers) {
  org::PointInput p = NewPoint(team_, "P-1");
  p.responsible_user_id = worker_;
  const int64_t point = AddPoint(p).id;
  const int64_t at_point = Raise("general", team_, kT0, point);
  const int64_t at_team = Raise("minor", team_, kT0);
  DispatchOutbox(*db_, kT0);
  EXPECT_EQ(Told(at_point), (Ids{worker_}));
  EXPECT_EQ(Count("SELECT popup FROM notifications WHERE alert_id = ?", {at_point}), 0);
  // The worker may not handle alerts; the workshop's head may.
  EXPECT_EQ(Told(at_team), (Ids{head_}));
}

TEST_F(RoutingDispatchTest, NobodyInAnotherPlantIsTold) {
  for (const char* level : {"major", "serious", "general", "minor"}) {
    const int64_t id = Raise(level, plant_, kT0);
    DispatchOutbox(*db_, kT0);
    const Ids told = Told(id);
    EXPECT_FALSE(told.empty()) << level;
    EXPECT_EQ(std::count(told.begin(), told.end(), other_), 0) << level;
  }
}

TEST_F(RoutingDispatchTest, EachOutboxRowIsRoutedOnce) {
  const int64_t id = Raise("serious", team_, kT0);
  const int64_t outbox = Count("SELECT id FROM alert_outbox WHERE alert_id = ?", {id});
  const Ids first = db_->Write([&](db::Conn& c) { return DispatchOne(c, outbox, kT0); });
  const Ids again = db_->Write([&](db::Conn& c) { return DispatchOne(c, outbox, kT0); });
  EXPECT_EQ(first, (Ids{head_}));
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(DispatchOutbox(*db_, kT0).rows, 0);
  EXPECT_EQ(Told(id).size(), 1u);
}

TEST_F(RoutingDispatchTest, ASilencedAlertTellsNobody) {
  const int64_t id = Raise("major", team_, kT0);
  Exec("UPDATE alerts SET silenced = 1 WHERE id = ?", {id});
  DispatchOutbox(*db_, kT0);
  EXPECT_TRUE(Told(id).empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_notices WHERE alert_id = ?", {id}), 0);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM alert_outbox WHERE alert_id = ? AND state = 'silenced'", {id}),
      1);
}

TEST_F(RoutingDispatchTest, TheNearestUnitsRuleWinsAndNamedUsersAreTold) {
  Exec(
      "INSERT INTO alert_routing_rules (org_unit_id, level, roles, reach, user_ids, popup) "
      "VALUES (?, 'serious', '[\"safety_officer\"]', 'unit_and_above', ?, 0)",
      {workshop_, "[" + std::to_string(worker_) + "]"});
  const int64_t below = Raise("serious", team_, kT0);
  const int64_t above = Raise("serious", plant_, kT0);
  DispatchOutbox(*db_, kT0);
  EXPECT_EQ(Told(below), (Ids{safety_, worker_}));
  // The plant is above the workshop: the product default applies, which finds
  // no head from the plant up, so the plant's handlers are told instead.
  EXPECT_EQ(Told(above), (Ids{safety_}));
  const RoutingRule at_plant =
      db_->Read([&](db::Conn& c) { return EffectiveRule(c, plant_, "serious"); });
  EXPECT_FALSE(at_plant.org_unit_id.has_value());
}

TEST_F(RoutingDispatchTest, TheListenerHearsWhoWasTold) {
  std::vector<int64_t> heard;
  SetNotificationListener([&](const std::vector<int64_t>& ids) { heard = ids; });
  Raise("major", team_, kT0);
  DispatchOutbox(*db_, kT0);
  SetNotificationListener({});
  EXPECT_EQ(heard, (Ids{manager_, safety_}));
}

TEST_F(RoutingDispatchTest, TheFeedPagesByIdAndMarksRead) {
  for (int i = 0; i < 3; ++i)
    Raise("serious", team_, kT0);
  DispatchOutbox(*db_, kT0);
  auto feed = db_->Read([&](db::Conn& c) { return ListNotifications(c, head_, 0, 2); });
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_LT(feed[0].id, feed[1].id);
  EXPECT_EQ(feed[0].kind, "alert");
  EXPECT_EQ(feed[0].link, "/alerts/" + std::to_string(*feed[0].alert_id));
  auto rest = db_->Read([&](db::Conn& c) { return ListNotifications(c, head_, feed[1].id, 50); });
  EXPECT_EQ(rest.size(), 1u);
  EXPECT_TRUE(db_->Read([&](db::Conn& c) { return ListNotifications(c, other_, 0, 50); }).empty());

  const int64_t changed = db_->Write([&](db::Conn& c) {
    return MarkRead(c, head_, Ids{feed[0].id, 999999}, kT0);
  });
  EXPECT_EQ(changed, 1);
  EXPECT_EQ(db_->Read([&](db::Conn& c) { return UnreadCount(c, head_); }), 2);
  // Someone else's ids are ignored.
  EXPECT_EQ(db_->Write([&](db::Conn& c) { return MarkRead(c, other_, Ids{feed[1].id}, kT0); }), 0);
  db_->Write([&](db::Conn& c) { return MarkRead(c, head_, std::nullopt, kT0); });
  EXPECT_EQ(db_->Read([&](db::Conn& c) { return UnreadCount(c, head_); }), 0);
}

}  // namespace
}  // namespace anxun::alert
