// Two servers delivering from one PostgreSQL database: every notice fans out
// once and every delivery is sent by exactly one of them. Runs when
// ANXUN_TEST_PG_URL names a PostgreSQL server (as scripts/pg.sh start prints,
// without a database name); skipped otherwise.
#include "alert/delivery.h"

#include "common/clock.h"
#include "common/crypto.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

namespace anxun::alert {
namespace {

std::string NewDatabase(const std::string& base) {
  std::string name = "t_delivery_";
  for (char ch : RandomToken(6))
    name += std::isalnum(static_cast<unsigned char>(ch))
                ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
                : '_';
  db::Connect(base + "/postgres")->ExecScript("CREATE DATABASE " + name);
  return base + "/" + name;
}

// A unit with a webhook and a DingTalk robot, and `n` major notices for it.
void Seed(db::Database& db, int n) {
  db.Write([&](db::Conn& c) {
    const int64_t unit = c.Insert(
        "INSERT INTO org_units (kind, code, name, path, created_at, updated_at) "
        "VALUES ('plant', 'P', '化工一厂', '/1/', 0, 0) RETURNING id");
    for (const char* kind : {"webhook", "dingtalk"}) {
      c.Exec(
          "INSERT INTO alert_channels (org_unit_id, name, kind, min_level, url, secret, "
          "created_at, updated_at) VALUES (?, ?, ?, 'minor', 'http://127.0.0.1:9/x', 's', 0, 0)",
          {unit, std::string(kind), std::string(kind)});
    }
    for (int i = 0; i < n; ++i) {
      c.Exec(
          "INSERT INTO alert_notices (org_unit_id, kind, level, title, created_at) "
          "VALUES (?, 'alert', 'major', ?, 0)",
          {unit, "告警 " + std::to_string(i)});
    }
  });
}

TEST(DeliveryPostgres, TwoServersSendEachDeliveryOnce) {
  const char* base = std::getenv("ANXUN_TEST_PG_URL");
  if (!base || !*base) GTEST_SKIP() << "ANXUN_TEST_PG_URL is not set";
  InitCrypto();
  const std::string url = NewDatabase(base);
  auto a = db::Database::Open(url, 2);
  a->Migrate();
  auto b = db::Database::Open(url, 2);
  constexpr int kNotices = 40;
  Seed(*a, kNotices);

  std::mutex mu;
  std::map<int64_t, int> sends;
  const SendFn fake = [&](const ClaimedDelivery& d) {
    std::lock_guard lk(mu);
    ++sends[d.id];
    SendOutcome out;
    out.ok = true;
    out.status = 200;
    return out;
  };
  DeliveryOptions o;
  o.parallel = 3;
  auto server = [&](db::Database& db) {
    for (int idle = 0; idle < 3;)
      idle = RunDeliveryRound(db, o, fake) == 0 ? idle + 1 : 0;
  };
  std::thread ta([&] { server(*a); });
  std::thread tb([&] { server(*b); });
  ta.join();
  tb.join();

  const auto count = [&](const char* sql) {
    return a->Read([&](db::Conn& c) { return c.QueryInt(sql).value_or(-1); });
  };
  EXPECT_EQ(count("SELECT COUNT(*) FROM deliveries"), 2 * kNotices);
  EXPECT_EQ(count("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'"), 2 * kNotices);
  EXPECT_EQ(count("SELECT COUNT(*) FROM delivery_attempts"), 2 * kNotices);
  EXPECT_EQ(sends.size(), static_cast<size_t>(2 * kNotices));
  for (const auto& [id, n] : sends)
    EXPECT_EQ(n, 1) << "delivery " << id << " sent " << n << " times";
  a->Close();
  b->Close();
}

}  // namespace
}  // namespace anxun::alert
