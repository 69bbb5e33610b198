// The outbox against SQLite with explicit times: fan-out by unit, level and
// enabled flag; claims and their leases; the back-off schedule to 'failed';
// an administrator's retry; channels keeping their secrets to themselves.
#include "alert/delivery.h"

#include "alert/delivery_log.h"
#include "common/clock.h"
#include "org/org_test_fixture.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>

namespace anxun::alert {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;
constexpr int64_t kSec = 1000;

class DeliveryTest : public org::OrgTest {
 protected:
  void SetUp() override {
    org::OrgTest::SetUp();
    group_ = AddUnit(std::nullopt, "group", "G").id;
    plant_ = AddUnit(group_, "plant", "P").id;
    admin_.user_id = AddUser(group_, "admin");
    admin_.display_name = "管理员";
    options_.lease_ms = 60 * kSec;
  }

  Channel AddChannel(int64_t unit, const std::string& kind, const std::string& min_level,
                     boost::json::object extra = {}) {
    boost::json::object o{
        {"org_unit_id", unit}, {"name", kind + " 渠道"}, {"kind", kind}, {"min_level", min_level}};
    if (kind == "email") {
      o["smtp_host"] = "127.0.0.1";
      o["smtp_from"] = "anxun@plant.example";
    } else {
      o["url"] = "https://robot.example/send?access_token=0123456789abcdef";
      o["secret"] = "SEC-0123456789-signing";
    }
    for (const auto& kv : extra)
      o[kv.key()] = kv.value();
    Body b(std::move(o));
    return db_->Write([&](db::Conn& c) { return CreateChannel(c, admin_, All(), b, kT0); });
  }

  int64_t AddNotice(int64_t unit, const std::string& level, const std::string& recipients = "[]") {
    return db_->Write([&](db::Conn& c) {
      return c.Insert(
          "INSERT INTO alert_notices (org_unit_id, kind, level, title, body, link, recipient_ids, "
          "created_at) VALUES (?, 'alert', ?, '可燃气体浓度超限', '读数 35% LEL', '/alerts/1', ?, "
          "?) RETURNING id",
          {unit, level, recipients, kT0});
    });
  }

  int FanOut(int64_t now = kT0) {
    return db_->Write([&](db::Conn& c) { return FanOutNotices(c, options_, now); });
  }
  std::vector<ClaimedDelivery> Claim(int64_t now) {
    return db_->Write([&](db::Conn& c) { return ClaimDue(c, options_, now); });
  }
  void Record(const ClaimedDelivery& d, bool ok, int64_t now, int status = 500) {
    SendOutcome out;
    out.ok = ok;
    out.status = ok ? 200 : status;
    out.response = ok ? R"({"errcode":0})" : "busy";
    out.error = ok ? "" : "HTTP 500";
    db_->Write([&](db::Conn& c) { RecordOutcome(c, d, out, options_, now); });
  }
  db::Row Delivery(int64_t id) {
    return db_->Read([&](db::Conn& c) {
      return *c.QueryOne(
          "SELECT state, attempts, round_attempts, next_attempt_at, last_error, channel_id "
          "FROM deliveries WHERE id = ?",
          {id});
    });
  }
  int64_t Count(const std::string& sql, db::Params p = {}) {
    return db_->Read([&](db::Conn& c) { return c.QueryInt(sql, p).value_or(0); });
  }

  int64_t group_ = 0, plant_ = 0;
  auth::Principal admin_;
  DeliveryOptions options_;
};

TEST(DeliveryBackoff, DefaultScheduleThenGiveUp) {
  DeliveryOptions o;
  EXPECT_EQ(o.MaxAttempts(), 6);
  EXPECT_EQ(NextAttemptAt(o, 1, kT0), kT0 + 10 * kSec);
  EXPECT_EQ(NextAttemptAt(o, 2, kT0), kT0 + 30 * kSec);
  EXPECT_EQ(NextAttemptAt(o, 3, kT0), kT0 + 120 * kSec);
  EXPECT_EQ(NextAttemptAt(o, 4, kT0), kT0 + 600 * kSec);
  EXPECT_EQ(NextAttemptAt(o, 5, kT0), kT0 + 3600 * kSec);
  EXPECT_EQ(NextAttemptAt(o, 6, kT0), std::nullopt);
}

TEST(DeliveryBackoff, EnvironmentSetsScheduleAndKeepsTheLeaseLongerThanATry) {
  setenv("ANXUN_DELIVERY_BACKOFF_MS", "100,250", 1);
  setenv("ANXUN_DELIVERY_TIMEOUT_MS", "3000", 1);
  setenv("ANXUN_DELIVERY_LEASE_MS", "1000", 1);
  const DeliveryOptions o = DeliveryOptionsFromEnv();
  EXPECT_EQ(o.backoff_ms, (std::vector<int64_t>{100, 250}));
  EXPECT_EQ(o.MaxAttempts(), 3);
  EXPECT_EQ(o.lease_ms, 5000);

  setenv("ANXUN_DELIVERY_BACKOFF_MS", "100,x", 1);
  EXPECT_THROW(DeliveryOptionsFromEnv(), std::runtime_error);
  setenv("ANXUN_DELIVERY_BACKOFF_MS", "", 1);
  EXPECT_EQ(DeliveryOptionsFromEnv().MaxAttempts(), 1);
  unsetenv("ANXUN_DELIVERY_BACKOFF_MS");
  unsetenv("ANXUN_DELIVERY_TIMEOUT_MS");
  unsetenv("ANXUN_DELIVERY_LEASE_MS");
}

TEST_F(DeliveryTest, NoticesFanOutToTheUnitsEnabledChannelsThatTheLevelMeets) {
  const auto general = AddChannel(plant_, "wecom", "general");
  const auto major_only = AddChannel(plant_, "dingtalk", "major");
  AddChannel(plant_, "feishu", "minor", {{"enabled", false}});
  AddChannel(group_, "webhook", "minor");  // another unit
  const int64_t notice = AddNotice(plant_, "serious");

  EXPECT_EQ(FanOut(), 1);
  EXPECT_EQ(FanOut(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE notice_id = ?", {notice}), 1);
  EXPECT_EQ(Count("SELECT channel_id FROM deliveries WHERE notice_id = ?", {notice}), general.id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alert_notices WHERE delivery_state = 'fanned_out'"), 1);
  (void)major_only;
}

TEST_F(DeliveryTest, MailGoesToTheRecipientsAddressesOrFailsWithoutAny) {
  AddChannel(plant_, "email", "minor");
  const int64_t with_mail = AddUser(plant_, "safety");
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE users SET email = 'safety@plant.example' WHERE id = ?", {with_mail});
  });
  const int64_t nobody = AddUser(plant_, "nomail");
  AddNotice(plant_, "general", "[" + std::to_string(with_mail) + "]");
  const int64_t unreachable = AddNotice(plant_, "general", "[" + std::to_string(nobody) + "]");
  FanOut();

  const auto claimed = Claim(kT0);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].recipients, std::vector<std::string>{"safety@plant.example"});
  EXPECT_EQ(claimed[0].message.place, "单位 P");
  EXPECT_EQ(claimed[0].message.link, "/alerts/1");
  const auto failed = db_->Read([&](db::Conn& c) {
    return *c.QueryOne("SELECT state, last_error FROM deliveries WHERE notice_id = ?",
                       {unreachable});
  });
  EXPECT_EQ(failed.Str(0), "failed");
  EXPECT_NE(failed.Str(1).find("no recipients"), std::string::npos);
}

TEST_F(DeliveryTest, FailuresBackOffThenFailAndAnAdministratorRetries) {
  AddChannel(plant_, "webhook", "minor");
  AddNotice(plant_, "major");
  FanOut();
  int64_t now = kT0;
  int64_t id = 0;
  for (int attempt = 1; attempt <= 6; ++attempt) {
    auto claimed = Claim(now);
    ASSERT_EQ(claimed.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(claimed[0].attempt, attempt);
    EXPECT_TRUE(Claim(now).empty()) << "claimed twice";
    id = claimed[0].id;
    Record(claimed[0], false, now + kSec);
    if (attempt < 6) {
      const int64_t wait = options_.backoff_ms[attempt - 1];
      EXPECT_EQ(Delivery(id).Int(3), now + kSec + wait);
      EXPECT_TRUE(Claim(now + kSec + wait - 1).empty()) << "too early";
      now += kSec + wait;
    }
  }
  EXPECT_EQ(Delivery(id).Str(0), "failed");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM delivery_attempts WHERE delivery_id = ?", {id}), 6);
  EXPECT_TRUE(Claim(now + 100 * kHourMs).empty());

  const auto [before, after] =
      db_->Write([&](db::Conn& c) { return RetryDelivery(c, All(), id, now + 2 * kSec); });
  EXPECT_EQ(before.at("state").as_string(), "failed");
  EXPECT_EQ(after.at("state").as_string(), "pending");
  auto again = Claim(now + 2 * kSec);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 7);
  EXPECT_EQ(again[0].round_attempt, 1);
  Record(again[0], true, now + 3 * kSec);
  EXPECT_EQ(Delivery(id).Str(0), "sent");
  const auto [status, code] =
      org::ErrorOf([&] { db_->Write([&](db::Conn& c) { RetryDelivery(c, All(), id, now); }); });
  EXPECT_EQ(status, 409);
  EXPECT_EQ(code, "invalid_state");
}

TEST_F(DeliveryTest, AnAcknowledgedDeliveryIsNeverClaimedAgain) {
  AddChannel(plant_, "wecom", "minor");
  AddNotice(plant_, "minor");
  FanOut();
  auto claimed = Claim(kT0);
  ASSERT_EQ(claimed.size(), 1u);
  Record(claimed[0], true, kT0 + kSec);
  EXPECT_EQ(Delivery(claimed[0].id).Str(0), "sent");
  EXPECT_TRUE(Claim(kT0 + 1000 * kHourMs).empty());
}

TEST_F(DeliveryTest, AnExpiredClaimIsTakenAgainAndTheCutTryIsLogged) {
  AddChannel(plant_, "wecom", "minor");
  AddNotice(plant_, "minor");
  FanOut();
  auto first = Claim(kT0);  // then the server dies
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(Claim(kT0 + options_.lease_ms - 1).empty());
  auto second = Claim(kT0 + options_.lease_ms + 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_NE(second[0].claim_token, first[0].claim_token);

  // The first server's late failure changes nothing; a late success counts.
  Record(first[0], false, kT0 + options_.lease_ms + 2);
  EXPECT_EQ(Delivery(first[0].id).Str(0), "sending");
  Record(first[0], true, kT0 + options_.lease_ms + 3);
  EXPECT_EQ(Delivery(first[0].id).Str(0), "sent");
  Record(second[0], false, kT0 + options_.lease_ms + 4);
  EXPECT_EQ(Delivery(first[0].id).Str(0), "sent");
  const auto detail = db_->Read([&](db::Conn& c) { return DeliveryDetail(c, All(), first[0].id); });
  const auto& log = detail.at("attempts_log").as_array();
  ASSERT_GE(log.size(), 2u);
  EXPECT_NE(std::string(log[0].at("error").as_string()).find("interrupted"), std::string::npos);
}

TEST_F(DeliveryTest, ADisabledChannelFailsItsQueuedRowsInsteadOfSending) {
  const auto ch = AddChannel(plant_, "feishu", "minor");
  AddNotice(plant_, "general");
  FanOut();
  Body b(boost::json::object{{"enabled", false}});
  db_->Write([&](db::Conn& c) { UpdateChannel(c, All(), ch.id, b, kT0); });
  EXPECT_TRUE(Claim(kT0).empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE state = 'failed'"), 1);
}

TEST_F(DeliveryTest, ARoundSendsEverythingDueInParallelAndRecordsEachAnswer) {
  AddChannel(plant_, "webhook", "minor");
  AddChannel(plant_, "dingtalk", "minor");
  for (int i = 0; i < 5; ++i)
    AddNotice(plant_, "general");
  options_.parallel = 16;
  SetNowForTesting(kT0);
  std::mutex mu;
  std::vector<int64_t> sent;
  const SendFn fake = [&](const ClaimedDelivery& d) {
    std::lock_guard lk(mu);
    sent.push_back(d.id);
    SendOutcome out;
    out.ok = d.channel.kind == "webhook";
    out.status = out.ok ? 200 : 503;
    return out;
  };
  EXPECT_EQ(RunDeliveryRound(*db_, options_, fake), 10);
  EXPECT_EQ(sent.size(), 10u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'"), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'"), 5);
  EXPECT_EQ(RunDeliveryRound(*db_, options_, fake), 0);  // back-off: not due yet
  SetNowForTesting(0);
}

TEST_F(DeliveryTest, ChannelsNeverShowTheirSecrets) {
  const auto ch = AddChannel(plant_, "dingtalk", "minor");
  const std::string shown = boost::json::serialize(ChannelJson(ch));
  EXPECT_EQ(shown.find("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(shown.find("SEC-0123456789-signing"), std::string::npos);
  EXPECT_NE(shown.find("\"has_secret\":true"), std::string::npos);

  // A PATCH without the secret keeps it; the kind never changes.
  Body rename(boost::json::object{{"name", "钉钉值班群"}, {"version", ch.version}});
  const auto [before, after] =
      db_->Write([&](db::Conn& c) { return UpdateChannel(c, All(), ch.id, rename, kT0); });
  EXPECT_EQ(after.secret, "SEC-0123456789-signing");
  EXPECT_EQ(after.name, "钉钉值班群");
  Body kind(boost::json::object{{"kind", "wecom"}});
  const auto [status, code] = org::ErrorOf(
      [&] { db_->Write([&](db::Conn& c) { UpdateChannel(c, All(), ch.id, kind, kT0); }); });
  EXPECT_EQ(status, 400);
}

TEST_F(DeliveryTest, AGenericWebhookNeedsASigningSecretAndChannelsStayInScope) {
  const auto [status, code] = org::ErrorOf([&] {
    AddChannel(plant_, "webhook", "minor", {{"secret", ""}});
  });
  EXPECT_EQ(status, 400);
  const auto ch = AddChannel(plant_, "wecom", "minor");
  const auto [out_status, out_code] = org::ErrorOf([&] {
    db_->Read([&](db::Conn& c) { return GetChannelInScope(c, Units({group_}), ch.id); });
  });
  EXPECT_EQ(out_status, 404);
}

}  // namespace
}  // namespace anxun::alert
