#include "auth/grants.h"
#include "auth/auth_test_fixture.h"

namespace anxun::auth {
namespace {

class GrantsTest : public AuthTest {
 protected:
  Principal Load(int64_t user_id) {
    auto p = db_->Read([&](db::Conn& c) { return LoadPrincipal(c, user_id); });
    EXPECT_TRUE(p);
    return p.value_or(Principal{});
  }

  int64_t AddRole(const std::string& code, const std::string& scope,
                  std::vector<std::string> permissions) {
    ScopeKind k;
    EXPECT_TRUE(ParseScope(scope, k));
    return db_->Write([&](db::Conn& c) {
      return CreateRole(c, Admin(), {code, code, "", k, std::move(permissions)});
    });
  }
};

TEST_F(GrantsTest, SubtreeReachesDescendantsNotSiblingsOrParents) {
  const Principal p = Load(AddUser("zhangsan", plant_a_, {"inspector"}));
  const AccessScope& s = p.Require("point.view");

  EXPECT_FALSE(s.all);
  EXPECT_TRUE(s.Contains(plant_a_));
  EXPECT_TRUE(s.Contains(workshop_a1_));
  EXPECT_FALSE(s.Contains(plant_b_));
  EXPECT_FALSE(s.Contains(group_));
}

TEST_F(GrantsTest, UnitReachesOnlyTheOwnUnit) {
  AddRole("unit_viewer", "unit", {"point.view"});
  const Principal p = Load(AddUser("lisi", plant_a_, {"unit_viewer"}));

  EXPECT_EQ(p.Require("point.view").unit_ids, std::set<int64_t>{plant_a_});
}

TEST_F(GrantsTest, SelfReachesOnlyOwnRecords) {
  AddRole("self_reporter", "self", {"hazard.view"});
  const int64_t id = AddUser("wangwu", workshop_a1_, {"self_reporter"});
  const AccessScope& s = Load(id).Require("hazard.view");

  EXPECT_EQ(s.self_user_id, id);
  EXPECT_TRUE(s.unit_ids.empty());
  db::Where where;
  s.Apply(where, "h.org_unit_id", "h.reported_by");
  EXPECT_EQ(where.Sql(), " WHERE h.reported_by = ?");
}

TEST_F(GrantsTest, AllReachesEverything) {
  const Principal p = Load(AddUser("sys", workshop_a1_, {"sysadmin"}));
  EXPECT_TRUE(p.Require("user.manage").all);
  EXPECT_TRUE(p.Require("org.view").Contains(plant_b_));
}

TEST_F(GrantsTest, TheWidestGrantOfAnyRoleWins) {
  AddRole("unit_viewer", "unit", {"point.view", "area.edit"});
  const Principal p = Load(AddUser("lisi", plant_a_, {"unit_viewer", "inspector"}));

  EXPECT_TRUE(p.Require("point.view").Contains(workshop_a1_));  // subtree from inspector
  EXPECT_FALSE(p.Require("area.edit").Contains(workshop_a1_));  // unit only
  EXPECT_EQ(p.roles.size(), 2u);
  EXPECT_EQ(ExpectApiError([&] { p.Require("user.manage"); }).status(), 403);
}

TEST_F(GrantsTest, InactiveRolesGrantNothing) {
  const int64_t role = AddRole("unit_viewer", "unit", {"point.view"});
  const int64_t id = AddUser("lisi", plant_a_, {"unit_viewer"});
  db_->Write([&](db::Conn& c) { UpdateRole(c, Admin(), role, {.active = false}); });

  EXPECT_FALSE(Load(id).Can("point.view"));
}

TEST_F(GrantsTest, SubtreeWithoutPathFallsBackToParents) {
  db_->Write([](db::Conn& c) { c.Exec("UPDATE org_units SET path = ''"); });
  const std::set<int64_t> ids =
      db_->Read([&](db::Conn& c) { return SubtreeUnits(c, plant_a_, ""); });
  EXPECT_EQ(ids, (std::set<int64_t>{plant_a_, workshop_a1_}));
}

}  // namespace
}  // namespace anxun::auth
