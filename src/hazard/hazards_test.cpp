// Hazard data-layer tests on SQLite: deadline rules inherited down the org
// tree, the append-only history, and the overdue / due-soon flags.
#include "hazard/hazards.h"

#include "common/clock.h"
#include "org/org_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::hazard {
namespace {

class HazardRulesTest : public org::OrgTest {
 protected:
  void SetRule(std::optional<int64_t> unit, const std::string& level,
               std::optional<int64_t> hours) {
    db_->Write([&](db::Conn& c) {
      c.Exec("INSERT INTO hazard_deadline_rules (org_unit_id, level, hours) VALUES (?, ?, ?)",
             {db::Opt(unit), level, db::Opt(hours)});
    });
  }

  std::optional<int64_t> Hours(int64_t unit, const std::string& level) {
    return db_->Read([&](db::Conn& c) { return DefaultDeadlineHours(c, unit, level); });
  }
};

TEST_F(HazardRulesTest, ProductDefaultsPerLevel) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  EXPECT_EQ(Hours(group.id, "serious"), 720);
  EXPECT_EQ(Hours(group.id, "general"), 168);
  EXPECT_EQ(Hours(group.id, "minor"), 12);
  EXPECT_EQ(Hours(group.id, "major"), std::nullopt);  // from the governance plan
}

TEST_F(HazardRulesTest, NearestAncestorRuleIsInherited) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");
  const auto team = AddUnit(plant.id, "team", "T");
  SetRule(park.id, "general", 96);
  EXPECT_EQ(Hours(team.id, "general"), 96);
  EXPECT_EQ(Hours(plant.id, "general"), 96);
  EXPECT_EQ(Hours(group.id, "general"), 168);
  SetRule(plant.id, "general", 48);
  EXPECT_EQ(Hours(team.id, "general"), 48);
  EXPECT_EQ(Hours(park.id, "general"), 96);
  EXPECT_EQ(Hours(team.id, "serious"), 720);
}

TEST_F(HazardRulesTest, HistoryIsAppendOnly) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const int64_t user = AddUser(group.id, "u1");
  db_->Write([&](db::Conn& c) {
    const int64_t id = c.Insert(
        "INSERT INTO hazards (code, title, org_unit_id, reporter_id, found_at, state, created_at, "
        "updated_at) VALUES ('YH-G-20260101-1', 't', ?, ?, 0, 'reported', 0, 0) RETURNING id",
        {group.id, user});
    c.Exec(
        "INSERT INTO hazard_history (hazard_id, action, at, to_state) "
        "VALUES (?, 'report', 0, 'reported')",
        {id});
  });
  EXPECT_THROW(db_->Write([&](db::Conn& c) { c.Exec("UPDATE hazard_history SET comment = 'x'"); }),
               db::DbError);
  EXPECT_THROW(db_->Write([&](db::Conn& c) { c.Exec("DELETE FROM hazard_history"); }), db::DbError);
}

TEST(HazardFlags, OverdueAndDueSoon) {
  Hazard h;
  h.state = "rectifying";
  h.deadline = 10 * kDayMs;
  EXPECT_FALSE(h.Overdue(9 * kDayMs));
  EXPECT_FALSE(h.DueSoon(9 * kDayMs - 1));
  EXPECT_TRUE(h.DueSoon(9 * kDayMs + 1));
  EXPECT_TRUE(h.Overdue(10 * kDayMs + 1));
  EXPECT_FALSE(h.DueSoon(10 * kDayMs + 1));
  h.state = "closed";
  EXPECT_FALSE(h.Overdue(11 * kDayMs));
  h.state = "pending_review";
  EXPECT_TRUE(h.Overdue(11 * kDayMs));
}

}  // namespace
}  // namespace anxun::hazard
