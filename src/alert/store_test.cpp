// Intake against SQLite with explicit times: merging, windows, level raise,
// filters recorded with their reason, silences that keep the record, and
// resolution by the source.
#include "alert/store.h"

#include "org/org_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;
constexpr int64_t kSec = 1000;

class AlertStoreTest : public org::OrgTest {
 protected:
  void SetUp() override {
    org::OrgTest::SetUp();
    unit_ = AddUnit(std::nullopt, "group", "G").id;
  }

  Incoming Helmet(int64_t at, std::string level = "general", double confidence = 0.9) {
    Incoming in;
    Event& e = in.event;
    e.source = "camera";
    e.rule = "camera.no_helmet";  // seeded: 30 min window, 0.6, 60/min, 5 per hour raise
    e.level = std::move(level);
    e.org_unit_id = unit_;
    e.camera_id = "cam-1";
    e.occurred_at = at;
    e.labels = {{"class", "no_helmet"}};
    e.confidence = confidence;
    return in;
  }

  std::vector<Outcome> Post(std::vector<Incoming> batch, int64_t now) {
    return db_->Write([&](db::Conn& c) { return Ingest(c, batch, std::nullopt, now); });
  }
  Outcome PostOne(Incoming in, int64_t now) { return Post({std::move(in)}, now).at(0); }

  Alert Get(int64_t id) {
    return db_->Read([&](db::Conn& c) { return *FindAlert(c, id); });
  }
  int64_t Count(const std::string& sql, db::Params p = {}) {
    return db_->Read([&](db::Conn& c) { return c.QueryInt(sql, p).value_or(0); });
  }

  int64_t unit_ = 0;
};

TEST_F(AlertStoreTest, RepeatsInsideTheWindowMergeWithoutNewNotifications) {
  auto out = Post({Helmet(kT0), Helmet(kT0 + 10 * kSec), Helmet(kT0 + 20 * kSec)}, kT0 + 30 * kSec);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].merged);
  EXPECT_TRUE(out[0].notify);
  EXPECT_TRUE(out[1].merged);
  EXPECT_FALSE(out[1].notify);
  EXPECT_EQ(out[1].alert_id, out[0].alert_id);
  const Alert a = Get(*out[0].alert_id);
  EXPECT_EQ(a.count, 3);
  EXPECT_EQ(a.first_seen, kT0);
  EXPECT_EQ(a.last_seen, kT0 + 20 * kSec);
  EXPECT_EQ(a.latest_event_id, out[2].event_id);
  EXPECT_EQ(a.status, "open");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE alert_id = ?", {a.id}), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_outbox WHERE alert_id = ?", {a.id}), 1);
}

TEST_F(AlertStoreTest, PastTheWindowOpensANewAlert) {
  const auto first = PostOne(Helmet(kT0), kT0);
  const auto later = PostOne(Helmet(kT0 + 1801 * kSec), kT0 + 1801 * kSec);
  EXPECT_FALSE(later.merged);
  EXPECT_NE(later.alert_id, first.alert_id);
  // An acknowledged alert still takes repeats.
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE alerts SET status = 'acknowledged' WHERE id = ?", {*later.alert_id});
  });
  const auto again = PostOne(Helmet(kT0 + 1900 * kSec), kT0 + 1900 * kSec);
  EXPECT_TRUE(again.merged);
  EXPECT_EQ(again.alert_id, later.alert_id);
  EXPECT_EQ(Get(*later.alert_id).status, "acknowledged");
}

TEST_F(AlertStoreTest, FiveInAnHourRaiseTheLevelAndNotifyOnce) {
  std::vector<Incoming> batch;
  for (int i = 0; i < 7; ++i)
    batch.push_back(Helmet(kT0 + i * 60 * kSec));
  auto out = Post(batch, kT0 + 600 * kSec);
  EXPECT_EQ(out[3].level, "general");
  EXPECT_EQ(out[4].level, "serious");
  EXPECT_TRUE(out[4].notify);
  EXPECT_FALSE(out[5].notify);
  EXPECT_EQ(out[6].level, "serious");
  const Alert a = Get(*out[0].alert_id);
  EXPECT_EQ(a.level, "serious");
  EXPECT_EQ(a.base_level, "general");
  EXPECT_EQ(a.count, 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_history WHERE alert_id = ? AND action = "
                  "'level_raise'",
                  {a.id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_outbox WHERE alert_id = ?", {a.id}), 2);
}

TEST_F(AlertStoreTest, FilteredEventsAreRecordedWithTheirReason) {
  const auto low = PostOne(Helmet(kT0, "general", 0.3), kT0);
  EXPECT_EQ(low.filtered, "low_confidence");
  EXPECT_FALSE(low.alert_id);
  EXPECT_TRUE(low.event_id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE filtered_reason = 'low_confidence'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts"), 0);

  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE alert_rules SET rate_limit_per_min = 2 WHERE rule = 'camera.no_helmet'");
  });
  auto out = Post({Helmet(kT0 + 1 * kSec), Helmet(kT0 + 2 * kSec), Helmet(kT0 + 3 * kSec),
                   Helmet(kT0 + 62 * kSec)},
                  kT0 + 70 * kSec);
  EXPECT_FALSE(out[0].filtered);
  EXPECT_FALSE(out[1].filtered);
  EXPECT_EQ(out[2].filtered, "rate_limited");
  EXPECT_FALSE(out[3].filtered);  // a minute later
  EXPECT_EQ(Get(*out[0].alert_id).count, 3);
}

TEST_F(AlertStoreTest, MinimumDurationCountsOnlyOnceTheConditionHeld) {
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE alert_rules SET min_duration_s = 30 WHERE rule = 'camera.no_helmet'");
  });
  EXPECT_EQ(PostOne(Helmet(kT0), kT0).filtered, "min_duration");
  EXPECT_EQ(PostOne(Helmet(kT0 + 10 * kSec), kT0 + 10 * kSec).filtered, "min_duration");
  const auto held = PostOne(Helmet(kT0 + 31 * kSec), kT0 + 31 * kSec);
  EXPECT_FALSE(held.filtered);
  ASSERT_TRUE(held.alert_id);
  EXPECT_FALSE(PostOne(Helmet(kT0 + 40 * kSec), kT0 + 40 * kSec).filtered);  // already counted
}

TEST_F(AlertStoreTest, SilencesSuppressNotificationNeverTheRecord) {
  const int64_t user = AddUser(unit_, "duty");
  db_->Write([&](db::Conn& c) {
    c.Exec(
        "INSERT INTO silences (matchers, starts_at, ends_at, creator_id, reason, org_unit_id, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, 'maintenance', ?, ?, ?)",
        {std::string(R"([{"name":"camera_id","value":"cam-1","is_equal":true}])"), kT0,
         kT0 + 3600 * kSec, user, unit_, kT0, kT0});
  });
  const auto in = PostOne(Helmet(kT0 + 10 * kSec), kT0 + 10 * kSec);
  EXPECT_TRUE(in.silenced);
  EXPECT_FALSE(in.notify);
  ASSERT_TRUE(in.alert_id);
  EXPECT_TRUE(Get(*in.alert_id).silenced);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE silenced = 1"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_outbox"), 0);

  // After the window ends the next alert notifies again.
  const auto after = PostOne(Helmet(kT0 + 7200 * kSec), kT0 + 7200 * kSec);
  EXPECT_FALSE(after.silenced);
  EXPECT_TRUE(after.notify);
}

TEST_F(AlertStoreTest, TheSourceResolvesItsAlert) {
  const auto open = PostOne(Helmet(kT0), kT0);
  Incoming end = Helmet(kT0 + 60 * kSec);
  end.resolved_by_source = true;
  const auto resolved = PostOne(end, kT0 + 60 * kSec);
  EXPECT_TRUE(resolved.resolved);
  EXPECT_EQ(resolved.alert_id, open.alert_id);
  const Alert a = Get(*open.alert_id);
  EXPECT_EQ(a.status, "resolved");
  EXPECT_EQ(a.resolution, "source_resolved");
  // Nothing open: recorded, counted as nothing to resolve.
  EXPECT_EQ(PostOne(end, kT0 + 61 * kSec).filtered, "nothing_to_resolve");
}

}  // namespace
}  // namespace anxun::alert
