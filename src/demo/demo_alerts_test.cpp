// The demo alerts load with the demo enterprise: every state and level,
// merged repeats, filtered events, disabled channels, nothing left to notify
// from the past, and the same result on every load.
#include "demo/demo_alerts.h"

#include "auth/roles.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "demo/demo.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

namespace anxun::demo {
namespace {

// 2026-03-10T06:30:00Z, a Tuesday afternoon in Shanghai.
constexpr int64_t kNow = 1773124200000;

class DemoAlertsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    InitCrypto();
    SetNowForTesting(kNow);
    dir_ = std::filesystem::temp_directory_path() / ("anxun-demo-al-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    db_ = db::Database::Open("sqlite:" + (dir_ / "t.db").string(), 2).release();
    db_->Migrate();
    db_->Write([](db::Conn& c) { auth::SeedBuiltinRoles(c); });
    LoadDemo(*db_, "Demo-Anxun-2025");  // includes LoadDemoAlerts
  }

  static void TearDownTestSuite() {
    SetNowForTesting(0);
    db_->Close();
    delete db_;
    std::filesystem::remove_all(dir_);
  }

  static int64_t Count(const std::string& sql, const db::Params& params = {}) {
    return db_->Read([&](db::Conn& c) { return c.QueryInt(sql, params).value_or(0); });
  }

  // Everything the load produced, ids left out, as one text.
  static std::string Digest(db::Conn& c) {
    std::string out;
    for (const auto& r : c.Query(
             "SELECT rule, level, base_level, status, COALESCE(resolution, ''), "
             "COALESCE(reject_reason, ''), COALESCE(hazard_id, 0), count, first_seen, last_seen, "
             "COALESCE(camera_id, ''), labels, COALESCE(resolved_at, 0) FROM alerts "
             "ORDER BY first_seen, fingerprint, id")) {
      for (size_t i = 0; i < 13; ++i)
        out += (i == 6 || i == 7 || i == 8 || i == 9 || i == 12 ? std::to_string(r.Int(i))
                                                                : r.Str(i)) +
               "|";
      out += "\n";
    }
    for (const auto& r :
         c.Query("SELECT COUNT(*), COALESCE(SUM(occurred_at), 0), "
                 "SUM(CASE WHEN filtered_reason IS NULL THEN 0 ELSE 1 END) FROM events"))
      out += std::to_string(r.Int(0)) + "/" + std::to_string(r.Int(1)) + "/" +
             std::to_string(r.Int(2));
    return out;
  }

  static inline std::filesystem::path dir_;
  static inline db::Database* db_ = nullptr;
};

TEST_F(DemoAlertsTest, CoversStatesLevelsAndResolutions) {
  EXPECT_GE(Count("SELECT COUNT(*) FROM events"), 500);
  EXPECT_LE(Count("SELECT COUNT(*) FROM events"), 5000);
  for (const char* status : {"open", "acknowledged", "resolved"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE status = ?", {std::string(status)}), 0)
        << status;
  }
  for (const char* level : {"major", "serious", "general", "minor"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE level = ?", {std::string(level)}), 0)
        << level;
  }
  for (const char* resolution : {"hazard", "rejected", "source_resolved"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE resolution = ?", {std::string(resolution)}),
              0)
        << resolution;
  }
  for (const char* reason : {"反光背心误识别", "阴影误报", "施工已审批"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE reject_reason = ?", {std::string(reason)}),
              0)
        << reason;
  }
  for (const char* rule :
       {"camera.no_helmet", "camera.intrusion", "sensor.gas_high", "manual.alarm"}) {
    EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE rule = ?", {std::string(rule)}), 0) << rule;
  }
}

TEST_F(DemoAlertsTest, OldAlertsAreHandledAndRecentOnesWait) {
  const int64_t two_days_ago = kNow - 2 * kDayMs;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE status <> 'resolved' AND last_seen < ?",
                  {two_days_ago}),
            0);
  EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE status <> 'resolved'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE status = 'resolved' AND resolution <> "
                  "'source_resolved' AND resolved_by IS NULL"),
            0);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM alerts WHERE last_seen > ? OR resolved_at > ?", {kNow, kNow}), 0);
}

TEST_F(DemoAlertsTest, HazardLinksPointAtTheSamePoint) {
  EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE resolution = 'hazard'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts a LEFT JOIN hazards h ON h.id = a.hazard_id "
                  "WHERE a.resolution = 'hazard' AND (h.id IS NULL OR h.point_id <> a.point_id)"),
            0);
}

TEST_F(DemoAlertsTest, RepeatsMergeAndNoiseIsFiltered) {
  EXPECT_GT(Count("SELECT COUNT(*) FROM alerts WHERE count > 1"), 10);
  EXPECT_GT(Count("SELECT COUNT(*) FROM events WHERE filtered_reason = 'low_confidence'"), 0);
  EXPECT_GT(Count("SELECT COUNT(*) FROM events WHERE filtered_reason = 'missing_label:zone'"), 0);
  EXPECT_GT(Count("SELECT COUNT(*) FROM alert_history WHERE action = 'level_raise'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE camera_id IS NOT NULL AND camera_id NOT "
                  "LIKE '%-CAM-%'"),
            0);
}

TEST_F(DemoAlertsTest, ChannelsAreDisabledAndNothingOldWaitsToBeSent) {
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT kind) FROM alert_channels"), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_channels WHERE enabled <> 0"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_channels WHERE kind <> 'email' AND url NOT LIKE "
                  "'https://example.invalid/%'"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_outbox WHERE state = 'pending' AND created_at < ?",
                  {kNow - kDayMs}),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries"), 0);
}

TEST_F(DemoAlertsTest, LoadingIsDeterministic) {
  const std::string first = db_->Read([](db::Conn& c) { return Digest(c); });
  std::string second;
  // Loads again in place of the first load, then undoes it.
  EXPECT_THROW(db_->Write([&](db::Conn& c) {
    for (const char* table :
         {"alert_history", "alert_outbox", "events", "alerts", "alert_channels"})
      c.Exec(std::string("DELETE FROM ") + table);
    EXPECT_GT(LoadDemoAlerts(c), 0);
    second = Digest(c);
    throw std::runtime_error("undo");
  }),
               std::runtime_error);
  EXPECT_EQ(first, second);
  EXPECT_EQ(db_->Read([](db::Conn& c) { return Digest(c); }), first);
}

}  // namespace
}  // namespace anxun::demo
