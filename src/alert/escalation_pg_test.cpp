// Two servers racing on one PostgreSQL database route each outbox row once
// and take each escalation step once, even without the lease (the claims are
// conditional updates). Runs when ANXUN_TEST_PG_URL names a PostgreSQL server
// (as scripts/pg.sh start prints, without a database name); skipped otherwise.
#include "alert/escalation.h"
#include "alert/routing.h"
#include "auth/roles.h"
#include "common/crypto.h"
#include "org/org_units.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace anxun::alert {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;
constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr int kAlerts = 20;

std::string FreshDatabase(const char* base) {
  std::string name = "t_esc_" + RandomToken(6);
  for (char& ch : name) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  db::Connect(std::string(base) + "/postgres")->ExecScript("CREATE DATABASE " + name);
  return std::string(base) + "/" + name;
}

// group (manager) → plant (safety officer) → team; returns the team.
int64_t Build(db::Database& db) {
  return db.Write([](db::Conn& c) {
    auth::SeedBuiltinRoles(c);
    auth::AccessScope all;
    all.all = true;
    auto unit = [&](std::optional<int64_t> parent, const char* kind, const char* code) {
      org::OrgUnitInput in;
      in.parent_id = parent;
      in.kind = kind;
      in.code = code;
      in.name = code;
      return org::CreateOrgUnit(c, all, in).id;
    };
    auto person = [&](int64_t unit_id, const char* name, const char* role) {
      const int64_t id = c.Insert(
          "INSERT INTO users (username, display_name, org_unit_id, created_at, updated_at) "
          "VALUES (?, ?, ?, 0, 0) RETURNING id",
          {std::string(name), std::string(name), unit_id});
      c.Exec("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE code = ?",
             {id, std::string(role)});
    };
    const int64_t group = unit(std::nullopt, "group", "G");
    const int64_t plant = unit(group, "plant", "F");
    person(group, "manager", "manager");
    person(plant, "safety", "safety_officer");
    return unit(plant, "team", "T");
  });
}

int64_t Scalar(db::Database& db, const std::string& sql) {
  return db.Read([&](db::Conn& c) { return c.QueryInt(sql).value_or(-1); });
}

TEST(EscalationPostgres, TwoServersRouteAndEscalateEachAlertOnce) {
  const char* base = std::getenv("ANXUN_TEST_PG_URL");
  if (!base || !*base) GTEST_SKIP() << "ANXUN_TEST_PG_URL is not set";
  InitCrypto();
  const std::string url = FreshDatabase(base);
  auto a = db::Database::Open(url, 2);
  a->Migrate();
  auto b = db::Database::Open(url, 2);
  const int64_t team = Build(*a);

  a->Write([&](db::Conn& c) {
    std::vector<Incoming> batch;
    for (int i = 0; i < kAlerts; ++i) {
      Incoming in;
      in.event = Event{"manual", "test.race", "general", team};
      in.event.occurred_at = kT0;
      in.event.labels = {{"n", std::to_string(i)}};
      batch.push_back(in);
    }
    Ingest(c, batch, std::nullopt, kT0);
  });

  // Both dispatch at once, a few rows per batch so that they interleave.
  auto dispatch = [](db::Database& db) {
    for (int i = 0; i < kAlerts; ++i)
      DispatchOutbox(db, kT0, 3);
  };
  std::thread ta(dispatch, std::ref(*a)), tb(dispatch, std::ref(*b));
  ta.join();
  tb.join();
  EXPECT_EQ(Scalar(*a, "SELECT COUNT(*) FROM alert_outbox WHERE state = 'done'"), kAlerts);
  EXPECT_EQ(Scalar(*a, "SELECT COUNT(*) FROM notifications WHERE kind = 'alert'"), kAlerts);
  EXPECT_EQ(Scalar(*a, "SELECT COUNT(*) FROM alert_escalations"), kAlerts);

  // Both take every due step at once, each in its own Write (no lease).
  auto escalate = [](db::Database& db) {
    for (int64_t id = 1; id <= kAlerts; ++id)
      db.Write([&](db::Conn& c) { EscalateOne(c, id, kT0 + kDay); });
  };
  std::thread ea(escalate, std::ref(*a)), eb(escalate, std::ref(*b));
  ea.join();
  eb.join();
  EXPECT_EQ(Scalar(*a, "SELECT COUNT(*) FROM alert_history WHERE action = 'escalate'"), kAlerts);
  EXPECT_EQ(Scalar(*a, "SELECT COUNT(*) FROM notifications WHERE kind = 'escalation'"), kAlerts);

  // With the lease only one of them runs at all.
  const auto ra = RunEscalations(*a, kT0 + 2 * kDay, "server-a");
  const auto rb = RunEscalations(*b, kT0 + 2 * kDay, "server-b");
  EXPECT_NE(ra.leased, rb.leased);
  EXPECT_EQ(ra.steps + rb.steps, kAlerts);
  b->Close();
  a->Close();
}

}  // namespace
}  // namespace anxun::alert
