// The demo hazards load on top of the demo enterprise and cover every state,
// level and source, with consistent history and reviews.
#include "demo/demo_hazards.h"

#include "auth/roles.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "demo/demo.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace anxun::demo {
namespace {

class DemoHazardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("anxun-demo-hz-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    db_ = db::Database::Open("sqlite:" + (dir_ / "t.db").string(), 2).release();
    db_->Migrate();
    db_->Write([](db::Conn& c) { auth::SeedBuiltinRoles(c); });
    LoadDemo(*db_, "Demo-Anxun-2025");  // includes LoadDemoHazards
    loaded_ = Count("SELECT COUNT(*) FROM hazards");
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
  static inline int64_t loaded_ = 0;
};

TEST_F(DemoHazardsTest, CoversEveryStateLevelAndSource) {
  EXPECT_GE(loaded_, 100);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hazards"), loaded_);
  for (const char* state :
       {"reported", "verified", "rectifying", "pending_review", "closed", "dismissed"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM hazards WHERE state = ?", {std::string(state)}), 0)
        << state;
  }
  for (const char* level : {"major", "serious", "general", "minor"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM hazards WHERE level = ?", {std::string(level)}), 0)
        << level;
  }
  for (const char* source : {"inspection", "camera", "sensor", "adhoc", "spot_check"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM hazards WHERE source = ?", {std::string(source)}), 0)
        << source;
  }
}

TEST_F(DemoHazardsTest, IncludesReturnedExtendedOverdueSupervisedAndMajorWithPlan) {
  EXPECT_GT(Count("SELECT COUNT(*) FROM hazard_history WHERE action = 'return'"), 0);
  EXPECT_GT(Count("SELECT COUNT(*) FROM hazards WHERE deadline > original_deadline"), 0);
  EXPECT_GT(
      Count("SELECT COUNT(*) FROM hazards WHERE state = 'rectifying' AND deadline < ?", {NowMs()}),
      0);
  EXPECT_GT(Count("SELECT COUNT(*) FROM hazards WHERE supervised = 1"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hazards WHERE level = 'major' AND plan_json IS NOT NULL "
                  "AND production_stop IS NOT NULL"),
            1);
  // Every serious closed hazard has two approvals by two people.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hazards h WHERE h.level = 'serious' AND "
                  "h.state = 'closed' AND (SELECT COUNT(DISTINCT reviewer_id) FROM hazard_reviews "
                  "r WHERE r.hazard_id = h.id AND r.decision = 'approve' AND "
                  "r.round = h.review_round) < 2"),
            0);
  // History agrees with the state.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hazards h WHERE h.state <> (SELECT to_state FROM "
                  "hazard_history x WHERE x.hazard_id = h.id ORDER BY x.id DESC LIMIT 1)"),
            0);
}

TEST_F(DemoHazardsTest, CodesAreUniqueAndWellFormed) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hazards WHERE code NOT LIKE 'YH-%-%-%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT code) FROM hazards"), loaded_);
}

// The same load on PostgreSQL when ANXUN_TEST_PG_URL names a server (as
// scripts/pg.sh start prints); skipped otherwise.
TEST(DemoHazardsPostgres, LoadsWithConsistentHistory) {
  const char* base = std::getenv("ANXUN_TEST_PG_URL");
  if (!base || !*base) GTEST_SKIP() << "ANXUN_TEST_PG_URL is not set";
  InitCrypto();
  std::string name = "t_demo_hz_" + RandomToken(6);
  for (char& ch : name) {
    ch = std::isalnum(static_cast<unsigned char>(ch))
             ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
             : '_';
  }
  db::Connect(std::string(base) + "/postgres")->ExecScript("CREATE DATABASE " + name);
  auto db = db::Database::Open(std::string(base) + "/" + name, 2);
  db->Migrate();
  db->Write([](db::Conn& c) { auth::SeedBuiltinRoles(c); });
  LoadDemo(*db, "Demo-Anxun-2025");  // includes LoadDemoHazards
  auto count = [&](const std::string& sql) {
    return db->Read([&](db::Conn& c) { return c.QueryInt(sql).value_or(-1); });
  };
  EXPECT_GE(count("SELECT COUNT(*) FROM hazards"), 100);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hazards h WHERE h.state <> (SELECT to_state FROM "
                  "hazard_history x WHERE x.hazard_id = h.id ORDER BY x.id DESC LIMIT 1)"),
            0);
  db->Close();
}

}  // namespace
}  // namespace anxun::demo
