#include "alert/groups.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

TEST(LabelFilterTest, ReadsAlertmanagerMatchers) {
  auto f = ParseLabelFilter(R"(run="3f02")");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "run");
  EXPECT_EQ(f->value, "3f02");
  EXPECT_TRUE(f->is_equal);

  f = ParseLabelFilter(R"({site!="site-01"})");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "site");
  EXPECT_EQ(f->value, "site-01");
  EXPECT_FALSE(f->is_equal);

  f = ParseLabelFilter("area=area-007");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->value, "area-007");
}

TEST(LabelFilterTest, RefusesWhatIsNotAMatcher) {
  EXPECT_FALSE(ParseLabelFilter(""));
  EXPECT_FALSE(ParseLabelFilter("run"));
  EXPECT_FALSE(ParseLabelFilter(R"(="x")"));
  EXPECT_FALSE(ParseLabelFilter(R"(a b="x")"));
}

}  // namespace
}  // namespace anxun::alert
