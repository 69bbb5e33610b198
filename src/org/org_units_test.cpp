#include "org/org_test_fixture.h"

#include "common/error.h"

namespace anxun::org {
namespace {

class OrgUnitsTest : public OrgTest {};

TEST(OrgKinds, ChildMustBeOfALowerKind) {
  EXPECT_TRUE(CanHold("group", "park"));
  EXPECT_TRUE(CanHold("park", "plant"));
  EXPECT_TRUE(CanHold("plant", "workshop"));
  EXPECT_TRUE(CanHold("plant", "team"));
  EXPECT_TRUE(CanHold("workshop", "team"));
  EXPECT_FALSE(CanHold("team", "workshop"));
  EXPECT_FALSE(CanHold("plant", "plant"));
  EXPECT_FALSE(CanHold("workshop", "park"));
  EXPECT_FALSE(CanHold("plant", "factory"));
}

TEST(OrgKinds, TimezonesComeFromZoneinfo) {
  EXPECT_TRUE(IsKnownTimezone("Asia/Shanghai"));
  EXPECT_TRUE(IsKnownTimezone("UTC"));
  EXPECT_FALSE(IsKnownTimezone("Asia"));
  EXPECT_FALSE(IsKnownTimezone("Mars/Olympus"));
  EXPECT_FALSE(IsKnownTimezone("../../etc/passwd"));
  EXPECT_FALSE(IsKnownTimezone("/etc/localtime"));
  EXPECT_FALSE(IsKnownTimezone("zone.tab"));
  EXPECT_FALSE(IsKnownTimezone(""));
}

TEST_F(OrgUnitsTest, PathListsAncestorsAndSelf) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");

  EXPECT_EQ(group.path, "/" + std::to_string(group.id) + "/");
  EXPECT_EQ(plant.path, park.path + std::to_string(plant.id) + "/");
  EXPECT_EQ(plant.timezone, "Asia/Shanghai");
}

TEST_F(OrgUnitsTest, MoveRewritesTheWholeSubtree) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park1 = AddUnit(group.id, "park", "P1");
  const auto park2 = AddUnit(group.id, "park", "P2");
  const auto plant = AddUnit(park1.id, "plant", "PL");
  const auto shop = AddUnit(plant.id, "workshop", "W");
  const auto team = AddUnit(shop.id, "team", "T");
  const auto other = AddUnit(park1.id, "plant", "OTHER");

  const auto moved = Move(plant.id, park2.id);

  EXPECT_EQ(moved.parent_id, park2.id);
  EXPECT_EQ(moved.path, park2.path + std::to_string(plant.id) + "/");
  EXPECT_EQ(Reload(shop.id).path, moved.path + std::to_string(shop.id) + "/");
  EXPECT_EQ(Reload(team.id).path, Reload(shop.id).path + std::to_string(team.id) + "/");
  EXPECT_EQ(Reload(other.id).path, other.path) << "a sibling must not move";
  EXPECT_EQ(moved.version, plant.version + 1);
}

TEST_F(OrgUnitsTest, CannotMoveUnderItselfOrItsDescendant) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");

  EXPECT_EQ(ErrorOf([&] { Move(park.id, park.id); }).second, "validation_failed");
  EXPECT_EQ(ErrorOf([&] { Move(group.id, plant.id); }).second, "validation_failed");
  EXPECT_EQ(Reload(group.id).path, group.path);
}

TEST_F(OrgUnitsTest, KindRulesApplyOnCreateAndMove) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");
  const auto team = AddUnit(plant.id, "team", "T");  // a plant may hold teams

  EXPECT_EQ(ErrorOf([&] { AddUnit(plant.id, "park", "BAD1"); }).first, 400);
  EXPECT_EQ(ErrorOf([&] { AddUnit(team.id, "workshop", "BAD2"); }).first, 400);
  EXPECT_EQ(ErrorOf([&] { AddUnit(plant.id, "castle", "BAD3"); }).first, 400);
  EXPECT_EQ(ErrorOf([&] { Move(plant.id, team.id); }).first, 400);
  EXPECT_EQ(team.parent_id, plant.id);
}

TEST_F(OrgUnitsTest, OnlyAGlobalEditorCreatesRoots) {
  OrgUnitInput in;
  in.kind = "group";
  in.code = "G2";
  in.name = "集团";
  const auto [status, code] =
      ErrorOf([&] { db_->Write([&](db::Conn& c) { return CreateOrgUnit(c, Units({1}), in); }); });
  EXPECT_EQ(status, 400);
}

TEST_F(OrgUnitsTest, ParentOutsideScopeLooksMissing) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  OrgUnitInput in;
  in.parent_id = park.id;
  in.kind = "plant";
  in.code = "PL";
  in.name = "厂";
  const auto err = ErrorOf(
      [&] { db_->Write([&](db::Conn& c) { return CreateOrgUnit(c, Units({group.id}), in); }); });
  EXPECT_EQ(err.second, "validation_failed");
}

TEST_F(OrgUnitsTest, DuplicateCodeIsAConflict) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  AddUnit(group.id, "park", "P");
  EXPECT_EQ(ErrorOf([&] { AddUnit(group.id, "park", "P"); }),
            (std::pair<int, std::string>{409, "duplicate_code"}));
}

TEST_F(OrgUnitsTest, DeactivationRefusesActiveChildrenAndUsers) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");
  const int64_t user = AddUser(plant.id, "wang");
  OrgUnitPatch off;
  off.active = false;

  EXPECT_EQ(ErrorOf([&] { Patch(park.id, off); }).second, "org_unit_has_active_children");
  EXPECT_EQ(ErrorOf([&] { Patch(plant.id, off); }).second, "org_unit_has_active_users");

  db_->Write([&](db::Conn& c) { c.Exec("UPDATE users SET active = 0 WHERE id = ?", {user}); });
  EXPECT_FALSE(Patch(plant.id, off).active);
  EXPECT_FALSE(Patch(park.id, off).active);
}

TEST_F(OrgUnitsTest, CannotCreateOrReactivateUnderAnInactiveParent) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");
  OrgUnitPatch off;
  off.active = false;
  Patch(plant.id, off);
  Patch(park.id, off);

  EXPECT_EQ(ErrorOf([&] { AddUnit(park.id, "plant", "PL2"); }).second, "parent_inactive");
  OrgUnitPatch on;
  on.active = true;
  EXPECT_EQ(ErrorOf([&] { Patch(plant.id, on); }).second, "parent_inactive");
}

TEST_F(OrgUnitsTest, StaleVersionIsAConflict) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  OrgUnitPatch p;
  p.name = "新名称";
  p.version = group.version;
  EXPECT_EQ(Patch(group.id, p).name, "新名称");
  EXPECT_EQ(ErrorOf([&] { Patch(group.id, p); }).second, "version_conflict");
}

TEST_F(OrgUnitsTest, TimezoneIsValidated) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  OrgUnitPatch p;
  p.timezone = "Europe/Atlantis";
  EXPECT_EQ(ErrorOf([&] { Patch(group.id, p); }).second, "validation_failed");
  p.timezone = "Asia/Urumqi";
  EXPECT_EQ(Patch(group.id, p).timezone, "Asia/Urumqi");
}

TEST_F(OrgUnitsTest, OutOfScopeUnitIsNotFound) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  OrgUnitPatch p;
  p.name = "x";
  EXPECT_EQ(ErrorOf([&] { Patch(group.id, p, Units({park.id})); }).first, 404);
}

TEST_F(OrgUnitsTest, ListFiltersByScopeKindAndText) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");
  AddUnit(plant.id, "team", "T");
  db::Page page;
  page.order_by = "path ASC, id ASC";

  auto all = db_->Read([&](db::Conn& c) { return ListOrgUnits(c, All(), {}, page); });
  EXPECT_EQ(all.total, 4);
  OrgUnitFilter teams;
  teams.kind = "team";
  auto only_teams = db_->Read([&](db::Conn& c) { return ListOrgUnits(c, All(), teams, page); });
  EXPECT_EQ(only_teams.total, 1);
  auto scoped = db_->Read(
      [&](db::Conn& c) { return ListOrgUnits(c, Units({plant.id}), OrgUnitFilter{}, page); });
  ASSERT_EQ(scoped.total, 1);
  EXPECT_EQ(scoped.items[0].as_object().at("code").as_string(), "PL");
}

TEST_F(OrgUnitsTest, FindsTheNearestPlant) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto park = AddUnit(group.id, "park", "P");
  const auto plant = AddUnit(park.id, "plant", "PL");
  const auto shop = AddUnit(plant.id, "workshop", "W");
  auto found = db_->Read([&](db::Conn& c) { return FindAncestorOfKind(c, shop, "plant"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, plant.id);
  auto none = db_->Read([&](db::Conn& c) { return FindAncestorOfKind(c, park, "plant"); });
  EXPECT_FALSE(none);
}

}  // namespace
}  // namespace anxun::org
