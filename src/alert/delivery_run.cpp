// The moving parts of delivery.h: rounds of the worker, sending several rows
// at once, and the administrator's test message.
#include "alert/delivery.h"

#include "common/clock.h"
#include "common/crypto.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace anxun::alert {
namespace {

constexpr const char* kInsertTest =
    "INSERT INTO deliveries (notice_id, channel_id, org_unit_id, is_test, notice_kind, level, "
    "title, message, state, attempts, round_attempts, next_attempt_at, claimed_until, "
    "claim_token, created_at, updated_at) "
    "VALUES (NULL, ?, ?, 1, 'test', ?, ?, ?, 'sending', 1, 1, ?, ?, ?, ?, ?) RETURNING id";

void LogOutcome(const ClaimedDelivery& d, const SendOutcome& out, const DeliveryOptions& o) {
  const std::string status = out.status ? std::to_string(*out.status) : "none";
  if (out.ok) {
    spdlog::info("delivery {}: sent to channel {} ({}, try {}, {} ms)", d.id, d.channel.id,
                 d.channel.kind, d.attempt, out.duration_ms);
  } else if (!d.test && d.round_attempt < o.MaxAttempts()) {
    spdlog::warn("delivery {}: channel {} ({}) refused (status={}, try {} of {}): {}", d.id,
                 d.channel.id, d.channel.kind, status, d.round_attempt, o.MaxAttempts(), out.error);
  } else {
    spdlog::error("delivery {}: channel {} ({}) failed for good (status={}, try {}): {}", d.id,
                  d.channel.id, d.channel.kind, status, d.attempt, out.error);
  }
}

// Sends one claimed row and records the answer. Never throws.
void SendAndRecord(db::Database& db, const ClaimedDelivery& d, const DeliveryOptions& o,
                   const SendFn& send) {
  SendOutcome out;
  try {
    out = send(d);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  LogOutcome(d, out, o);
  try {
    db.Write([&](db::Conn& c) { RecordOutcome(c, d, out, o, NowMs()); });
  } catch (const std::exception& e) {
    // The row stays claimed until its lease ends, then it is tried again.
    spdlog::error("delivery {}: recording the answer failed ({})", d.id, e.what());
  }
}

}  // namespace

SendFn NetworkSender(const DeliveryOptions& o) {
  return [o](const ClaimedDelivery& d) {
    return SendToChannel(d.channel, d.message, d.recipients, o.send, NowMs());
  };
}

int RunDeliveryRound(db::Database& db, const DeliveryOptions& o, const SendFn& send) {
  const int64_t now = NowMs();
  const int fanned = db.Write([&](db::Conn& c) { return FanOutNotices(c, o, now); });
  if (fanned > 0) spdlog::debug("delivery: {} notice(s) fanned out", fanned);
  const auto claimed = db.Write([&](db::Conn& c) { return ClaimDue(c, o, now); });
  if (claimed.empty()) return 0;

  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < claimed.size(); i = next++)
      SendAndRecord(db, claimed[i], o, send);
  };
  const size_t helpers = claimed.size() - 1;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < helpers; ++i)
    threads.emplace_back(work);
  work();
  for (auto& t : threads)
    t.join();
  return static_cast<int>(claimed.size());
}

void RunDeliveryWorker(db::Database& db, const DeliveryOptions& o) {
  const auto budget = std::chrono::milliseconds(std::max<int64_t>(o.poll_ms * 5, 5000));
  const auto start = std::chrono::steady_clock::now();
  const SendFn send = NetworkSender(o);
  while (RunDeliveryRound(db, o, send) >= o.parallel) {
    if (std::chrono::steady_clock::now() - start > budget) break;
  }
}

boost::json::object SendTestMessage(db::Database& db, const Channel& channel,
                                    const auth::Principal& who, const DeliveryOptions& o) {
  const int64_t now = NowMs();
  ClaimedDelivery d;
  d.test = true;
  d.attempt = d.round_attempt = 1;
  d.channel = channel;
  d.claim_token = RandomToken(12);
  NoticeMessage& m = d.message;
  m.kind = "test";
  m.test = true;
  m.level = channel.min_level;
  m.org_unit_id = channel.org_unit_id;
  m.title = "渠道测试：" + channel.name;
  m.body = "这是一条来自安巡的测试消息，收到即表示渠道配置正确。发送人：" + who.display_name;
  m.place = channel.org_unit_name;
  m.occurred_at = now;
  m.timezone = channel.org_unit_timezone;
  m.link = o.link_base;

  const std::string message = boost::json::serialize(boost::json::object{{"body", m.body},
                                                                         {"place", m.place},
                                                                         {"occurred_at", now},
                                                                         {"link", m.link},
                                                                         {"timezone", m.timezone}});
  d.id = db.Write([&](db::Conn& c) {
    if (auto email = c.QueryOne("SELECT email FROM users WHERE id = ?", {who.user_id});
        email && !email->Str(0).empty()) {
      d.recipients.push_back(email->Str(0));
    }
    return c.Insert(kInsertTest, {channel.id, channel.org_unit_id, m.level, m.title, message, now,
                                  now + o.lease_ms, d.claim_token, now, now});
  });
  m.delivery_id = d.id;

  const SendOutcome out = NetworkSender(o)(d);
  LogOutcome(d, out, o);
  db.Write([&](db::Conn& c) { RecordOutcome(c, d, out, o, NowMs()); });
  boost::json::object j{{"delivery_id", d.id},
                        {"ok", out.ok},
                        {"response", out.response},
                        {"error", out.error},
                        {"duration_ms", out.duration_ms}};
  j["status"] = out.status ? boost::json::value(*out.status) : boost::json::value(nullptr);
  return j;
}

}  // namespace anxun::alert
