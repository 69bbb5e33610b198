// Two generators racing on one PostgreSQL database create each task once.
// Runs when ANXUN_TEST_PG_URL names a PostgreSQL server (as scripts/pg.sh
// start prints, without a database name); skipped otherwise.
#include "common/clock.h"
#include "common/crypto.h"
#include "inspection/generator.h"
#include "org/org_units.h"
#include "org/points.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace anxun::inspection {
namespace {

TEST(GeneratorPostgres, TwoServersRacingCreateNoDuplicates) {
  const char* base = std::getenv("ANXUN_TEST_PG_URL");
  if (!base || !*base) GTEST_SKIP() << "ANXUN_TEST_PG_URL is not set";
  InitCrypto();
  const std::string name = "t_gen_" + RandomToken(6);
  std::string lower;
  for (char ch : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (char& ch : lower) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  db::Connect(std::string(base) + "/postgres")->ExecScript("CREATE DATABASE " + lower);
  const std::string url = std::string(base) + "/" + lower;

  auto a = db::Database::Open(url, 2);
  a->Migrate();
  auto b = db::Database::Open(url, 2);

  auth::AccessScope all;
  all.all = true;
  const int64_t now = ParseRfc3339("2026-12-03T00:30:00Z").value();
  const int64_t plan_id = a->Write([&](db::Conn& c) {
    org::OrgUnitInput u;
    u.kind = "group";
    u.code = std::string("G");
    u.name = std::string("集团");
    const int64_t unit = org::CreateOrgUnit(c, all, u).id;
    org::PointInput p;
    p.org_unit_id = unit;
    p.code = std::string("P1");
    p.name = std::string("点");
    const int64_t point = org::CreatePoint(c, all, p).id;
    PlanInput in;
    in.name = std::string("每小时巡检");
    in.point_ids = {point};
    in.rrule = std::string("FREQ=HOURLY");
    in.dtstart = now;
    in.duration_minutes = 50;
    return CreatePlan(c, all, in, 0, now).id;
  });

  // Without the lease both write at once; the unique key keeps one task per hour.
  auto race = [&](db::Database& db) {
    for (int i = 0; i < 5; ++i) {
      db.Write([&](db::Conn& c) {
        c.Exec("UPDATE plans SET generated_until = ? WHERE id = ?", {now, plan_id});
        auto plan = FindPlan(c, plan_id);
        return GenerateForPlan(c, *plan, now, 48 * kHourMs);
      });
    }
  };
  std::thread ta([&] { race(*a); });
  std::thread tb([&] { race(*b); });
  ta.join();
  tb.join();
  EXPECT_EQ(a->Read([](db::Conn& c) { return c.QueryInt("SELECT COUNT(*) FROM tasks"); }), 48);

  // With the lease exactly one of two servers generates.
  GenerateResult ra, rb;
  std::thread la([&] { ra = GenerateTasks(*a, now + kHourMs, 72 * kHourMs, "server-a"); });
  std::thread lb([&] { rb = GenerateTasks(*b, now + kHourMs, 72 * kHourMs, "server-b"); });
  la.join();
  lb.join();
  EXPECT_NE(ra.leased, rb.leased);
  EXPECT_EQ(ra.created + rb.created, 25);
  EXPECT_EQ(a->Read([](db::Conn& c) { return c.QueryInt("SELECT COUNT(*) FROM tasks"); }), 73);

  a->Close();
  b->Close();
  db::Connect(std::string(base) + "/postgres")->ExecScript("DROP DATABASE " + lower);
}

}  // namespace
}  // namespace anxun::inspection
