#include "demo/demo.h"

#include "auth/password.h"
#include "auth/roles.h"
#include "common/crypto.h"
#include "demo/demo_data.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace anxun::demo {
namespace {

constexpr const char* kPassword = "Demo-Anxun-2025";

class DemoTest : public ::testing::Test {
 protected:
  // One load for the whole suite: it hashes fifteen passwords.
  static void SetUpTestSuite() {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("anxun-demo-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    db_ = db::Database::Open("sqlite:" + (dir_ / "t.db").string(), 2).release();
    db_->Migrate();
    db_->Write([](db::Conn& c) { auth::SeedBuiltinRoles(c); });
    LoadDemo(*db_, kPassword);
  }

  static void TearDownTestSuite() {
    db_->Close();
    delete db_;
    std::filesystem::remove_all(dir_);
  }

  static int64_t Count(const std::string& sql, const db::Params& params = {}) {
    return db_->Read([&](db::Conn& c) { return c.QueryInt(sql, params).value_or(0); });
  }

  static inline std::filesystem::path dir_;
  static inline db::Database* db_ = nullptr;
};

TEST_F(DemoTest, HasAtLeastEightyPointsSpreadOverAreas) {
  EXPECT_GE(Count("SELECT COUNT(*) FROM points"), 80);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM points WHERE area_id IS NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM points WHERE responsible_user_id IS NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM points WHERE x < 0 OR x > 1 OR y < 0 OR y > 1"), 0);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT kind) FROM points"), 8);
  EXPECT_GE(Count("SELECT COUNT(*) FROM areas"), 15);
}

TEST_F(DemoTest, PointsBelongToTheirAreasUnit) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM points p JOIN areas a ON a.id = p.area_id "
                  "WHERE a.org_unit_id <> p.org_unit_id"),
            0);
}

TEST_F(DemoTest, TreeHasTheDescribedShape) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM org_units WHERE kind = 'group'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM org_units WHERE kind = 'park'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM org_units WHERE name = '化工一厂' AND kind = 'plant'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM org_units w JOIN org_units p ON p.id = w.parent_id "
                  "WHERE w.kind = 'workshop' AND p.name = '机加工厂'"),
            3);
  EXPECT_GE(Count("SELECT COUNT(*) FROM org_units WHERE kind = 'team'"), 4);
  for (auto name : {"储罐区", "反应装置区", "危化品仓库", "配电室", "中控室"}) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM areas a JOIN org_units u ON u.id = a.org_unit_id "
                    "WHERE a.name = ? AND u.name = '化工一厂'",
                    {std::string(name)}),
              1)
        << name;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM org_units WHERE path NOT LIKE '/%/'"), 0);
}

TEST_F(DemoTest, EveryListedAccountExistsWithItsRole) {
  for (const auto& a : DemoAccounts()) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id "
                    "JOIN roles r ON r.id = ur.role_id JOIN org_units o ON o.id = u.org_unit_id "
                    "WHERE u.username = ? AND r.code = ? AND o.code = ? AND u.password_exempt = 1 "
                    "AND u.must_change_password = 0 AND u.active = 1",
                    {std::string(a.username), std::string(a.role), std::string(a.unit_code)}),
              1)
        << a.username;
  }
  std::set<std::string_view> usernames;
  for (const auto& a : DemoAccounts())
    usernames.insert(a.username);
  for (auto required :
       {"admin", "secadmin", "auditor", "manager", "safety", "head", "inspector", "owner"}) {
    EXPECT_TRUE(usernames.count(required)) << required;
  }
}

TEST_F(DemoTest, DemoPasswordsVerify) {
  const std::string hash = db_->Read([](db::Conn& c) {
    return c.QueryOne("SELECT password_hash FROM users WHERE username = 'inspector'")->Str(0);
  });
  EXPECT_TRUE(auth::VerifyPassword(kPassword, hash));
  EXPECT_FALSE(auth::VerifyPassword("wrong", hash));
}

TEST_F(DemoTest, IsAuditedAsOneEntry) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'point.%' OR "
                  "action LIKE 'org_unit.%' OR action LIKE 'user.%'"),
            0);
}

TEST_F(DemoTest, RefusesASecondLoad) {
  const int64_t before = Count("SELECT COUNT(*) FROM points");
  EXPECT_THROW(LoadDemo(*db_, kPassword), std::runtime_error);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM points"), before);
}

TEST(DemoWithoutRoles, RefusesAndChangesNothing) {
  InitCrypto();
  const auto dir = std::filesystem::temp_directory_path() / ("anxun-demo-" + RandomToken(9));
  std::filesystem::create_directories(dir);
  auto db = db::Database::Open("sqlite:" + (dir / "t.db").string(), 1);
  db->Migrate();
  EXPECT_THROW(LoadDemo(*db, kPassword), std::runtime_error);
  EXPECT_EQ(db->Read([](db::Conn& c) { return c.QueryInt("SELECT COUNT(*) FROM org_units"); }), 0);
  db->Close();
  std::filesystem::remove_all(dir);
}

TEST(DemoData, PointCodesAreValidAndUnique) {
  std::set<std::string> codes;
  size_t points = 0;
  for (const auto& a : DemoAreas()) {
    points += a.points.size();
    codes.insert(std::string(a.unit_code) + "-" + std::string(a.code));
  }
  EXPECT_GE(points, 80u);
  EXPECT_EQ(codes.size(), DemoAreas().size()) << "area codes repeat within a unit";
}

}  // namespace
}  // namespace anxun::demo
