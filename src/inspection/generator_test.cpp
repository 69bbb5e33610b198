#include "inspection/generator.h"

#include "common/clock.h"
#include "common/error.h"
#include "inspection/tasks.h"
#include "org/org_test_fixture.h"
#include "org/qr.h"

namespace anxun::inspection {
namespace {

using org::OrgTest;

int64_t T(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }

class GeneratorTest : public OrgTest {
 protected:
  void SetUp() override {
    OrgTest::SetUp();
    plant_ = AddUnit(std::nullopt, "group", "G").id;
    point_a_ = AddPoint(plant_, "PA").id;
    point_b_ = AddPoint(plant_, "PB").id;
    inspector_ = AddUser(plant_, "insp");
    other_ = AddUser(plant_, "other");
    now_ = T("2026-12-03T00:30:00Z");  // 08:30 in Shanghai
  }

  // Twice a day at 08:00 and 20:00 Shanghai, 60 min + 30 min grace.
  Plan MakePlan(std::string rrule = "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0") {
    PlanInput in;
    in.name = "储罐区日常巡检";
    in.point_ids = {point_a_, point_b_};
    in.assignee_ids = {inspector_};
    in.rrule = std::move(rrule);
    in.dtstart = T("2026-12-01T08:00:00+08:00");
    in.duration_minutes = 60;
    in.grace_minutes = 30;
    return db_->Write([&](db::Conn& c) { return CreatePlan(c, All(), in, inspector_, now_); });
  }

  int64_t CountTasks() {
    return db_->Read([](db::Conn& c) { return c.QueryInt("SELECT COUNT(*) FROM tasks"); })
        .value_or(0);
  }

  std::string Status(int64_t task_id) {
    return db_->Read([&](db::Conn& c) {
      return c.QueryOne("SELECT status FROM tasks WHERE id = ?", {task_id})->Str(0);
    });
  }

  auth::Principal Inspector() {
    auth::Principal p;
    p.user_id = inspector_;
    p.username = "insp";
    p.grants["task.view"] = Units({plant_});
    p.grants["task.execute"] = Units({plant_});
    return p;
  }

  int64_t FirstTask() {
    return db_->Read([](db::Conn& c) {
      return c.QueryInt("SELECT id FROM tasks ORDER BY start_at, id").value();
    });
  }

  boost::json::object Sync(const auth::Principal& user, boost::json::object item, int64_t at) {
    try {
      return db_->Write([&](db::Conn& c) { return ApplySyncItem(c, user, item, key_, at); });
    } catch (const ApiError& e) {
      return {{"status", "rejected"}, {"code", e.code()}};
    }
  }

  int64_t plant_ = 0, point_a_ = 0, point_b_ = 0, inspector_ = 0, other_ = 0, now_ = 0;
  std::string key_ = std::string(32, 'k');
};

TEST_F(GeneratorTest, CreatesOneTaskPerOccurrenceWithinTheHorizon) {
  MakePlan();
  const auto r = GenerateTasks(*db_, now_, 48 * kHourMs, "me");
  EXPECT_TRUE(r.leased);
  // From 08:30 on Dec 3 for 48 h: 20:00 Dec 3, 08:00+20:00 Dec 4, 08:00 Dec 5 (before 08:30).
  EXPECT_EQ(r.created, 4);
  EXPECT_EQ(CountTasks(), 4);
  auto row = db_->Read([](db::Conn& c) {
    return *c.QueryOne("SELECT start_at, due_at, grace_until FROM tasks ORDER BY start_at");
  });
  EXPECT_EQ(FormatRfc3339(row.Int(0)), "2026-12-03T12:00:00Z");
  EXPECT_EQ(row.Int(1) - row.Int(0), 60 * kMinuteMs);
  EXPECT_EQ(row.Int(2) - row.Int(1), 30 * kMinuteMs);
  EXPECT_EQ(db_->Read([](db::Conn& c) { return c.QueryInt("SELECT COUNT(*) FROM task_points"); }),
            8);
}

TEST_F(GeneratorTest, IsIdempotent) {
  const Plan plan = MakePlan();
  GenerateTasks(*db_, now_, 48 * kHourMs, "me");
  EXPECT_EQ(GenerateTasks(*db_, now_, 48 * kHourMs, "me").created, 0);
  // Even with the watermark moved back, the unique key keeps one task per occurrence.
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE plans SET generated_until = ? WHERE id = ?", {now_, plan.id});
  });
  EXPECT_EQ(GenerateTasks(*db_, now_, 48 * kHourMs, "me").created, 0);
  EXPECT_EQ(db_->Write([&](db::Conn& c) {
              return GenerateForPlan(c, *FindPlan(c, plan.id), now_, 48 * kHourMs);
            }),
            0);
  EXPECT_EQ(CountTasks(), 4);
}

TEST_F(GeneratorTest, CatchesUpAfterAGapAndMarksClosedWindowsMissed) {
  MakePlan();
  GenerateTasks(*db_, now_, 12 * kHourMs, "me");  // up to 20:30 Shanghai: the 20:00 task
  EXPECT_EQ(CountTasks(), 1);
  // The server was down for three days.
  const int64_t later = now_ + 3 * kDayMs;
  const auto r = GenerateTasks(*db_, later, 12 * kHourMs, "me");
  // Dec 4, 5, 6 at 08:00 and 20:00 (6) and Dec 3 20:00 already there.
  EXPECT_EQ(r.created, 6);
  EXPECT_EQ(CountTasks(), 7);
  EXPECT_EQ(r.missed, 5);  // every window closed by 08:30 Dec 6: Dec 3 20:00 to Dec 5 20:00
  EXPECT_EQ(db_->Read([](db::Conn& c) {
              return c.QueryInt("SELECT COUNT(*) FROM task_flags WHERE kind = 'missed'");
            }),
            5);
  // No duplicates on a second run.
  EXPECT_EQ(GenerateTasks(*db_, later, 12 * kHourMs, "me").created, 0);
}

TEST_F(GeneratorTest, LeaseLetsOneServerGenerate) {
  MakePlan();
  EXPECT_TRUE(GenerateTasks(*db_, now_, 48 * kHourMs, "server-a").leased);
  const auto b = GenerateTasks(*db_, now_ + kMinuteMs, 48 * kHourMs, "server-b");
  EXPECT_FALSE(b.leased);
  EXPECT_EQ(b.created, 0);
  EXPECT_TRUE(GenerateTasks(*db_, now_ + kMinuteMs, 48 * kHourMs, "server-a").leased);
  // After the lease expires another server takes over.
  EXPECT_TRUE(GenerateTasks(*db_, now_ + kMinuteMs + kLeaseTtlMs + 1, 48 * kHourMs, "server-b")
                  .leased);
}

TEST_F(GeneratorTest, PausedPlansAndEffectiveUntil) {
  const Plan plan = MakePlan();
  db_->Write([&](db::Conn& c) {
    PlanPatch p;
    p.effective_until = T("2026-12-04T00:00:00Z");
    UpdatePlan(c, All(), plan.id, p);
  });
  EXPECT_EQ(GenerateTasks(*db_, now_, 48 * kHourMs, "me").created, 1);  // only Dec 3 20:00
  db_->Write([&](db::Conn& c) {
    PlanPatch p;
    p.active = false;
    p.effective_until = std::optional<int64_t>();
    UpdatePlan(c, All(), plan.id, p);
  });
  EXPECT_EQ(GenerateTasks(*db_, now_, 48 * kHourMs, "me").created, 0);
}

TEST_F(GeneratorTest, ValidatesThePlan) {
  PlanInput in;
  in.name = "x";
  in.point_ids = {point_a_};
  in.rrule = "FREQ=NEVER";
  in.dtstart = now_;
  try {
    db_->Write([&](db::Conn& c) { return CreatePlan(c, All(), in, inspector_, now_); });
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_TRUE(e.details().at("fields").as_object().contains("rrule"));
  }
  in.rrule = "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31";  // parses, but 31 April never comes
  try {
    db_->Write([&](db::Conn& c) { return CreatePlan(c, All(), in, inspector_, now_); });
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_TRUE(e.details().at("fields").as_object().contains("rrule"));
  }
}

TEST_F(GeneratorTest, CompletedInTimeLateOrMissed) {
  MakePlan();
  GenerateTasks(*db_, now_, 48 * kHourMs, "me");
  const int64_t task = FirstTask();  // 20:00-21:00 Shanghai, grace to 21:30
  const int64_t start = T("2026-12-03T12:00:00Z");
  const auto user = Inspector();
  const std::string code_a = "PA", code_b = "PB";
  auto check_in = [&](const std::string& id, int64_t point, const std::string& code) {
    return boost::json::object{{"client_id", id}, {"kind", "check_in"}, {"task_id", task},
                               {"point_id", point}, {"method", "qr"},
                               {"payload", org::SignPointCode(key_, code)}};
  };
  EXPECT_EQ(Sync(user, check_in("c1", point_a_, code_a), start + kMinuteMs).at("status"),
            "stored");
  EXPECT_EQ(Status(task), "in_progress");
  // Replays store nothing.
  EXPECT_EQ(Sync(user, check_in("c1", point_a_, code_a), start + 2 * kMinuteMs).at("status"),
            "duplicate");
  EXPECT_EQ(db_->Read([](db::Conn& c) { return c.QueryInt("SELECT COUNT(*) FROM check_ins"); }),
            1);
  // A forged payload and another point's label are refused.
  auto forged = check_in("c2", point_b_, code_b);
  forged["payload"] = "AX1:PB:AAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(Sync(user, forged, start).at("code"), "qr_invalid");
  EXPECT_EQ(Sync(user, check_in("c3", point_b_, code_a), start).at("code"), "qr_invalid");

  boost::json::object result{{"client_id", "r1"}, {"kind", "result"}, {"task_id", task},
                             {"point_id", point_a_},
                             {"answers", boost::json::object{{"s1i1", "pass"}}}};
  EXPECT_EQ(Sync(user, result, start + 5 * kMinuteMs).at("status"), "stored");
  EXPECT_EQ(Sync(user, check_in("c4", point_b_, code_b), start + 70 * kMinuteMs).at("status"),
            "stored");
  result["client_id"] = "r2";
  result["point_id"] = point_b_;
  result["answers"] = boost::json::object{{"s1i1", "fail"}};
  auto out = Sync(user, result, start + 75 * kMinuteMs);
  EXPECT_EQ(out.at("abnormal"), true);
  EXPECT_EQ(Status(task), "completed");
  EXPECT_EQ(db_->Read([&](db::Conn& c) {
              return c.QueryInt("SELECT late FROM tasks WHERE id = ?", {task});
            }),
            1);

  // The next task is never touched: missed after its grace window.
  const int64_t missed = MarkMissed(*db_, T("2026-12-05T00:00:00Z"));
  EXPECT_EQ(missed, 2);  // Dec 4 08:00 and 20:00
  EXPECT_EQ(Status(task), "completed");
}

TEST_F(GeneratorTest, OnlyAssigneesExecute) {
  MakePlan();
  GenerateTasks(*db_, now_, 48 * kHourMs, "me");
  auth::Principal stranger = Inspector();
  stranger.user_id = other_;
  boost::json::object item{{"client_id", "x1"}, {"kind", "check_in"}, {"task_id", FirstTask()},
                           {"point_id", point_a_}, {"method", "manual"}, {"reason", "标签损坏"}};
  EXPECT_EQ(Sync(stranger, item, now_).at("code"), "not_found");
  const auto ok = Sync(Inspector(), item, now_);
  EXPECT_EQ(ok.at("status"), "stored");
  EXPECT_EQ(ok.at("flagged"), true);
  item["client_id"] = "x2";
  item.erase("reason");
  EXPECT_EQ(Sync(Inspector(), item, now_).at("code"), "reason_required");

  db::Page page;
  page.order_by = "t.start_at ASC, t.id ASC";
  auto mine = db_->Read([&](db::Conn& c) { return ListTasks(c, Inspector(), {}, page); });
  EXPECT_EQ(mine.at("total").as_int64(), 4);
  auto theirs = db_->Read([&](db::Conn& c) { return ListTasks(c, stranger, {}, page); });
  EXPECT_EQ(theirs.at("total").as_int64(), 0);
}

TEST_F(GeneratorTest, GpsAndNfcCheckInsAndResultsInAnyOrder) {
  // A third point with a position, a radius and an NFC tag.
  auto in = NewPoint(plant_, "PC");
  in.latitude = 32.26;
  in.longitude = 118.76;
  in.radius_m = 30;
  in.nfc_uid = "04A1B2C3";
  const int64_t point_c = AddPoint(in).id;
  PlanInput pin;
  pin.name = "罐区";
  pin.point_ids = {point_c};
  pin.assignee_ids = {inspector_};
  pin.rrule = "FREQ=DAILY";
  pin.dtstart = now_ + kHourMs;
  pin.duration_minutes = 60;
  const Plan plan =
      db_->Write([&](db::Conn& c) { return CreatePlan(c, All(), pin, inspector_, now_); });
  db_->Write([&](db::Conn& c) { return GenerateForPlan(c, plan, now_, 24 * kHourMs); });
  const int64_t task = db_->Read([&](db::Conn& c) {
    return c.QueryInt("SELECT id FROM tasks WHERE plan_id = ?", {plan.id}).value();
  });
  const auto user = Inspector();
  auto item = [&](std::string id, std::string kind) {
    return boost::json::object{{"client_id", id}, {"kind", kind}, {"task_id", task},
                               {"point_id", point_c}};
  };
  // The result arrives first (out of order): stored, the task is under way.
  auto result = item("r", "result");
  result["answers"] = boost::json::object{{"s1i1", "pass"}};
  EXPECT_EQ(Sync(user, result, now_ + kHourMs).at("status"), "stored");
  EXPECT_EQ(Status(task), "in_progress");

  auto far = item("g1", "check_in");
  far["method"] = "gps";
  far["latitude"] = 32.2610;  // about 110 m north
  far["longitude"] = 118.76;
  EXPECT_EQ(Sync(user, far, now_ + kHourMs).at("code"), "too_far");
  auto nfc = item("n1", "check_in");
  nfc["method"] = "nfc";
  nfc["nfc_uid"] = "04:a1:b2:c4";
  EXPECT_EQ(Sync(user, nfc, now_ + kHourMs).at("code"), "nfc_mismatch");

  auto near = item("g2", "check_in");
  near["method"] = "gps";
  near["latitude"] = 32.2601;  // about 11 m
  near["longitude"] = 118.76;
  near["accuracy_m"] = 8.5;
  const auto ok = Sync(user, near, now_ + kHourMs + kMinuteMs);
  EXPECT_EQ(ok.at("status"), "stored");
  EXPECT_NEAR(ok.at("distance_m").as_double(), 11.1, 1.0);
  EXPECT_EQ(Status(task), "completed");
  EXPECT_EQ(db_->Read([&](db::Conn& c) {
              return c.QueryOne("SELECT accuracy_m FROM check_ins WHERE client_id = 'g2'")->Real(0);
            }),
            8.5);
  nfc["client_id"] = "n2";
  nfc["nfc_uid"] = "04:a1:b2:c3";
  EXPECT_EQ(Sync(user, nfc, now_ + kHourMs).at("status"), "stored");
}

TEST(Distance, Haversine) {
  // One degree of latitude is about 111.2 km.
  EXPECT_NEAR(DistanceMeters(31.0, 121.0, 32.0, 121.0), 111195, 100);
  EXPECT_NEAR(DistanceMeters(31.0, 121.0, 31.0, 121.0), 0, 1e-6);
}

}  // namespace
}  // namespace anxun::inspection

namespace anxun::inspection {
namespace {

TEST(PlanTemplates, EveryDefaultPlanIsAValidRule) {
  const auto all = DefaultPlanTemplates();
  EXPECT_GE(all.size(), 7u);
  for (const auto& v : all) {
    const auto& o = v.as_object();
    SCOPED_TRACE(std::string(o.at("code").as_string()));
    EXPECT_FALSE(RruleError(o.at("rrule").as_string()));
    EXPECT_TRUE(IsPlanKind(o.at("kind").as_string()));
    EXPECT_GE(o.at("duration_minutes").as_int64(), 1);
    EXPECT_LE(o.at("duration_minutes").as_int64(), 7 * 24 * 60);
  }
}

}  // namespace
}  // namespace anxun::inspection
