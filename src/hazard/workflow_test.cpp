#include "hazard/workflow.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace anxun::hazard {
namespace {

// A caller who may do everything (owner of the hazard is someone else).
Caller Everyone() {
  Caller c;
  c.user_id = 1;
  c.can_verify = c.can_assign = c.can_rectify = c.can_review = c.can_supervise = true;
  c.superior = true;
  return c;
}

TEST(HazardWorkflow, TableOfEveryStateAndAction) {
  // state -> {action -> next}; every pair not listed is an invalid transition.
  const std::map<std::string, std::map<std::string, std::string>> expected = {
      {"reported",
       {{"verify", "verified"},
        {"dismiss", "dismissed"},
        {"plan", "reported"},
        {"supervise", "reported"}}},
      {"verified",
       {{"assign", "rectifying"},
        {"dismiss", "dismissed"},
        {"plan", "verified"},
        {"supervise", "verified"}}},
      {"rectifying",
       {{"submit", "pending_review"},
        {"progress", "rectifying"},
        {"plan", "rectifying"},
        {"extend_request", "rectifying"},
        {"extend_approve", "rectifying"},
        {"extend_refuse", "rectifying"},
        {"supervise", "rectifying"}}},
      {"pending_review",
       {{"approve", "closed"}, {"return", "rectifying"}, {"supervise", "pending_review"}}},
      {"closed", {}},
      {"dismissed", {}},
  };
  for (auto state : States()) {
    const auto& row = expected.at(std::string(state));
    for (auto action : Actions()) {
      auto next = TableNext(state, action);
      auto it = row.find(std::string(action));
      if (it == row.end()) {
        EXPECT_FALSE(next) << state << " + " << action;
        Facts h;
        h.state = state;
        EXPECT_EQ(Decide(h, Everyone(), action).outcome, Outcome::kInvalidTransition)
            << state << " + " << action;
      } else {
        ASSERT_TRUE(next) << state << " + " << action;
        EXPECT_EQ(*next, it->second) << state << " + " << action;
      }
    }
  }
}

TEST(HazardWorkflow, ForbiddenActors) {
  Facts h;
  h.state = "reported";
  Caller nobody;
  nobody.user_id = 5;
  EXPECT_EQ(Decide(h, nobody, "verify").outcome, Outcome::kForbidden);
  EXPECT_EQ(Decide(h, nobody, "dismiss").outcome, Outcome::kForbidden);

  h.state = "rectifying";
  h.owner_id = 9;
  Caller rectifier = nobody;
  rectifier.can_rectify = true;
  EXPECT_EQ(Decide(h, rectifier, "submit").code, "not_owner");
  rectifier.user_id = 9;
  EXPECT_EQ(Decide(h, rectifier, "submit").outcome, Outcome::kAllowed);

  Caller safety = nobody;
  safety.can_supervise = true;  // a plant officer: not superior
  EXPECT_EQ(Decide(h, safety, "supervise").outcome, Outcome::kForbidden);
  safety.superior = true;
  EXPECT_EQ(Decide(h, safety, "supervise").outcome, Outcome::kAllowed);
}

TEST(HazardWorkflow, ReviewerMayNotBeTheOwner) {
  Facts h;
  h.state = "pending_review";
  h.level = "general";
  h.owner_id = 1;
  Caller owner = Everyone();
  EXPECT_EQ(Decide(h, owner, "approve").code, "reviewer_is_owner");
  EXPECT_EQ(Decide(h, owner, "return").code, "reviewer_is_owner");
  Caller other = Everyone();
  other.user_id = 2;
  EXPECT_EQ(Decide(h, other, "approve").next_state, "closed");
}

TEST(HazardWorkflow, DoubleReviewNeedsTwoPeopleOneSuperior) {
  Facts h;
  h.state = "pending_review";
  h.level = "serious";
  h.owner_id = 9;
  Caller plant;
  plant.user_id = 2;
  plant.can_review = true;
  EXPECT_EQ(Decide(h, plant, "approve").next_state, "pending_review");

  h.approvals = {{2, false}};
  EXPECT_EQ(Decide(h, plant, "approve").code, "same_reviewer");
  Caller plant2 = plant;
  plant2.user_id = 3;
  EXPECT_EQ(Decide(h, plant2, "approve").code, "superior_required");
  Caller boss = plant2;
  boss.superior = true;
  EXPECT_EQ(Decide(h, boss, "approve").next_state, "closed");

  h.level = "minor";
  h.approvals.clear();
  EXPECT_EQ(Decide(h, plant, "approve").next_state, "closed");
}

TEST(HazardWorkflow, MajorNeedsPlanBeforeAssign) {
  Facts h;
  h.state = "verified";
  h.level = "major";
  EXPECT_EQ(Decide(h, Everyone(), "assign").code, "plan_required");
  h.has_plan = true;
  EXPECT_EQ(Decide(h, Everyone(), "assign").next_state, "rectifying");
  h.level = "";
  EXPECT_EQ(Decide(h, Everyone(), "assign").code, "level_required");
  h.level = "general";
  EXPECT_EQ(Decide(h, Everyone(), "plan").code, "not_major");
}

TEST(HazardWorkflow, Extensions) {
  Facts h;
  h.state = "rectifying";
  h.owner_id = 1;
  Caller owner;
  owner.user_id = 1;
  owner.can_rectify = true;
  EXPECT_EQ(Decide(h, owner, "extend_request").outcome, Outcome::kAllowed);
  Caller boss = Everyone();
  boss.user_id = 2;
  EXPECT_EQ(Decide(h, boss, "extend_approve").code, "no_extension_pending");
  h.extension_pending = true;
  EXPECT_EQ(Decide(h, owner, "extend_request").code, "extension_pending");
  EXPECT_EQ(Decide(h, boss, "extend_approve").outcome, Outcome::kAllowed);
  EXPECT_EQ(Decide(h, owner, "extend_approve").outcome, Outcome::kForbidden);
}

TEST(HazardWorkflow, AllowedActionsFollowDecide) {
  Facts h;
  h.state = "reported";
  const auto all = AllowedActions(h, Everyone());
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()),
            (std::set<std::string>{"verify", "dismiss", "supervise"}));
  EXPECT_TRUE(AllowedActions(h, Caller{}).empty());
  EXPECT_EQ(TableActions("closed").size(), 0u);
}

TEST(HazardDeadlineRules, NearestUnitWinsThenDefault) {
  EXPECT_EQ(ResolveDeadlineHours({}, 168), 168);
  EXPECT_EQ(ResolveDeadlineHours({{false, {}}, {true, 48}, {true, 24}}, 168), 48);
  EXPECT_EQ(ResolveDeadlineHours({{true, 8}, {true, 24}}, 168), 8);
  // A unit may say "from the plan" (no hours) and shadow the default.
  EXPECT_EQ(ResolveDeadlineHours({{true, std::nullopt}}, 168), std::nullopt);
  EXPECT_EQ(ResolveDeadlineHours({{false, 1}}, std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace anxun::hazard
