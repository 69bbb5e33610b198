// Editing the category dictionary: group-level configurers only.
#include "hazard/categories.h"

#include "hazard/hazards.h"

#include "common/error.h"
#include "org/org_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::hazard {
namespace {

class HazardCategoriesTest : public org::OrgTest {
 protected:
  boost::json::object Create(const auth::AccessScope& scope, boost::json::object body) {
    return db_->Write([&](db::Conn& c) {
      Body b(std::move(body));
      return CreateCategory(c, scope, b);
    });
  }
};

TEST_F(HazardCategoriesTest, DeactivatedOnesAreListedOnlyWhenAskedFor) {
  AddUnit(std::nullopt, "group", "G");
  Create(All(), {{"code", "lifting"}, {"name", "起重吊装"}});
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE hazard_categories SET active = 0 WHERE code = 'lifting'");
  });

  auto has_lifting = [](const boost::json::array& items) -> const boost::json::object* {
    for (const auto& v : items)
      if (v.at("code").as_string() == "lifting") return &v.as_object();
    return nullptr;
  };
  const auto active = db_->Read([&](db::Conn& c) { return ListCategories(c); });
  EXPECT_EQ(has_lifting(active), nullptr);
  const auto all = db_->Read([&](db::Conn& c) { return ListCategories(c, true); });
  ASSERT_NE(has_lifting(all), nullptr);
  EXPECT_FALSE(has_lifting(all)->at("active").as_bool());
  EXPECT_EQ(all.size(), active.size() + 1);
}

TEST_F(HazardCategoriesTest, GroupLevelMayAddAndRenamePlantMayNot) {
  const auto group = AddUnit(std::nullopt, "group", "G");
  const auto plant = AddUnit(group.id, "plant", "P");

  try {
    Create(Units({plant.id}), {{"code", "lifting"}, {"name", "起重吊装"}});
    FAIL() << "a plant may not edit the dictionary";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 403);
  }

  auto made = Create(Units({group.id, plant.id}), {{"code", "lifting"}, {"name", "起重吊装"}});
  EXPECT_EQ(made.at("name").as_string(), "起重吊装");
  EXPECT_TRUE(made.at("active").as_bool());

  try {
    Create(All(), {{"code", "lifting"}, {"name", "x"}});
    FAIL() << "duplicate";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "duplicate_code");
  }
  try {
    Create(All(), {{"code", "Bad Code"}, {"name", "x"}});
    FAIL() << "bad code";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
  }

  auto [before, after] = db_->Write([&](db::Conn& c) {
    Body b(boost::json::object{{"active", false}, {"name", "起重作业"}});
    return UpdateCategory(c, All(), "lifting", b);
  });
  EXPECT_TRUE(before.at("active").as_bool());
  EXPECT_FALSE(after.at("active").as_bool());
  EXPECT_EQ(after.at("name").as_string(), "起重作业");
}

}  // namespace
}  // namespace anxun::hazard
