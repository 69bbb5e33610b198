// The outbox steps of delivery.h: options, fan-out, claim, record. The
// rounds, the worker and the test message are in delivery_run.cpp.
#include "alert/delivery.h"

#include "alert/engine.h"
#include "common/crypto.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace anxun::alert {
namespace {

constexpr size_t kMaxStoredAnswer = 2000;

constexpr const char* kPendingNotices =
    "SELECT n.id, n.alert_id, n.hazard_id, n.task_id, n.org_unit_id, n.kind, n.level, n.title, "
    "n.body, n.link, n.recipient_ids, n.created_at, a.first_seen, "
    "COALESCE(a.org_unit_id, h.org_unit_id, n.org_unit_id), COALESCE(a.area_id, h.area_id), "
    "COALESCE(a.point_id, h.point_id), a.camera_id, h.location_text "
    "FROM alert_notices n LEFT JOIN alerts a ON a.id = n.alert_id "
    "LEFT JOIN hazards h ON h.id = n.hazard_id "
    "WHERE n.delivery_state = 'pending' ORDER BY n.id LIMIT ?";

constexpr const char* kMarkFannedOut =
    "UPDATE alert_notices SET delivery_state = 'fanned_out' "
    "WHERE id = ? AND delivery_state = 'pending'";

constexpr const char* kInsertDelivery =
    "INSERT INTO deliveries (notice_id, channel_id, org_unit_id, alert_id, is_test, notice_kind, "
    "level, title, message, state, last_error, next_attempt_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kFailInterruptedTests =
    "UPDATE deliveries SET state = 'failed', last_error = ?, claimed_until = NULL, "
    "claim_token = NULL, updated_at = ? "
    "WHERE is_test = 1 AND state = 'sending' AND claimed_until < ?";

constexpr const char* kDue =
    "SELECT id, state, attempts, round_attempts FROM deliveries WHERE is_test = 0 AND "
    "((state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND claimed_until < ?)) "
    "ORDER BY next_attempt_at, id LIMIT ?";

constexpr const char* kClaim =
    "UPDATE deliveries SET state = 'sending', claimed_until = ?, claim_token = ?, "
    "attempts = attempts + 1, round_attempts = round_attempts + 1, updated_at = ? WHERE id = ? AND "
    "((state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND claimed_until < ?))";

constexpr const char* kGiveUpExpired =
    "UPDATE deliveries SET state = 'failed', last_error = ?, claimed_until = NULL, "
    "claim_token = NULL, updated_at = ? WHERE id = ? AND state = 'sending' AND claimed_until < ?";

constexpr const char* kClaimed =
    "SELECT channel_id, alert_id, notice_id, notice_kind, level, title, message, org_unit_id, "
    "is_test FROM deliveries WHERE id = ?";

constexpr const char* kInsertAttempt =
    "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, ok, status, "
    "response, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kMarkSent =
    "UPDATE deliveries SET state = 'sent', sent_at = ?, last_status = ?, last_response = ?, "
    "last_error = NULL, claimed_until = NULL, claim_token = NULL, updated_at = ? "
    "WHERE id = ? AND state <> 'sent'";

constexpr const char* kMarkFailedTry =
    "UPDATE deliveries SET state = ?, next_attempt_at = ?, last_status = ?, last_response = ?, "
    "last_error = ?, claimed_until = NULL, claim_token = NULL, updated_at = ? "
    "WHERE id = ? AND state = 'sending' AND claim_token = ?";

const std::string kInterrupted = "中断：租约过期 / interrupted: the claim expired";

int64_t EnvInt(const char* name, int64_t fallback, int64_t min) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  if (*end != '\0' || n < min) {
    throw std::runtime_error(fmt::format("{}: expected an integer >= {}, got '{}'", name, min, v));
  }
  return n;
}

std::vector<int64_t> ParseBackoff(const char* text) {
  std::vector<int64_t> out;
  std::string_view s(text);
  while (!s.empty()) {
    const size_t comma = s.find(',');
    const std::string item(s.substr(0, comma));
    char* end = nullptr;
    const long long n = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || n <= 0 || out.size() >= 20) {
      throw std::runtime_error(fmt::format(
          "ANXUN_DELIVERY_BACKOFF_MS: expected up to 20 positive integers (ms), got '{}'", text));
    }
    out.push_back(n);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out;
}

std::vector<std::string> RecipientEmails(db::Conn& c, const std::string& ids_json) {
  std::vector<int64_t> ids;
  boost::system::error_code ec;
  const auto v = boost::json::parse(ids_json, ec);
  if (!ec && v.is_array()) {
    for (const auto& x : v.as_array())
      if (x.is_int64()) ids.push_back(x.as_int64());
  }
  db::Where where;
  where.In("id", ids);
  where.Add("active = 1").Add("email IS NOT NULL").Add("email <> ''");
  std::vector<std::string> out;
  for (const auto& r :
       c.Query("SELECT email FROM users" + where.Sql() + " ORDER BY id", where.params())) {
    out.push_back(r.Str(0));
  }
  return out;
}

std::string PlaceText(db::Conn& c, int64_t unit, std::optional<int64_t> area,
                      std::optional<int64_t> point, const std::optional<std::string>& camera,
                      const std::optional<std::string>& location_text) {
  std::vector<std::string> parts;
  if (auto name = c.QueryOne("SELECT name FROM org_units WHERE id = ?", {unit}))
    parts.push_back(name->Str(0));
  if (area) {
    if (auto r = c.QueryOne("SELECT name FROM areas WHERE id = ?", {*area}))
      parts.push_back(r->Str(0));
  }
  if (point) {
    if (auto r = c.QueryOne("SELECT name FROM points WHERE id = ?", {*point}))
      parts.push_back(r->Str(0));
  }
  if (camera && !camera->empty()) parts.push_back("摄像头 " + *camera);
  if (location_text && !location_text->empty()) parts.push_back(*location_text);
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : " / ") + p;
  return out;
}

std::string AbsoluteLink(const DeliveryOptions& o, const std::string& link) {
  if (link.empty() || o.link_base.empty() || link.find("://") != std::string::npos) return link;
  std::string base = o.link_base;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + (link.front() == '/' ? "" : "/") + link;
}

// The unit's enabled channels (the same list the API shows).
std::vector<Channel> LoadUnitChannels(db::Conn& c, int64_t unit) {
  auth::AccessScope everything;
  everything.all = true;
  ChannelFilter f;
  f.org_unit_id = unit;
  f.enabled = true;
  return ListChannels(c, everything, f);
}

// The message as stored with each delivery (what was said, at fan-out time).
boost::json::object Snapshot(const db::Row& n, const std::string& place, int64_t occurred_at,
                             const std::string& link, const std::string& timezone) {
  return {{"body", n.Str(8)},
          {"place", place},
          {"occurred_at", occurred_at},
          {"link", link},
          {"timezone", timezone},
          {"hazard_id", n.IsNull(2) ? boost::json::value() : boost::json::value(n.Int(2))},
          {"task_id", n.IsNull(3) ? boost::json::value() : boost::json::value(n.Int(3))}};
}

void FanOutOne(db::Conn& c, const DeliveryOptions& o, const db::Row& n, int64_t now,
               std::map<int64_t, std::vector<Channel>>& channels_by_unit) {
  const int64_t unit = n.Int(4);
  const std::string level = n.Str(6);
  auto it = channels_by_unit.find(unit);
  if (it == channels_by_unit.end())
    it = channels_by_unit.emplace(unit, LoadUnitChannels(c, unit)).first;

  std::vector<const Channel*> matching;
  for (const auto& ch : it->second)
    if (LevelRank(level) <= LevelRank(ch.min_level)) matching.push_back(&ch);  // 0 = major
  if (matching.empty()) return;

  const std::string place =
      PlaceText(c, n.Int(13), n.OptInt(14), n.OptInt(15), n.OptStr(16), n.OptStr(17));
  const int64_t occurred_at = n.OptInt(12).value_or(n.Int(11));
  const std::string& timezone = matching.front()->org_unit_timezone;
  const boost::json::object base =
      Snapshot(n, place, occurred_at, AbsoluteLink(o, n.Str(9)), timezone);
  std::optional<std::vector<std::string>> emails;

  for (const Channel* ch : matching) {
    boost::json::object message = base;
    std::string state = "pending";
    db::Value error = db::Null();
    if (ch->kind == "email") {
      if (!emails) emails = RecipientEmails(c, n.Str(10));
      boost::json::array to;
      for (const auto& e : *emails)
        to.emplace_back(e);
      if (to.empty() && ch->smtp.to.empty()) {
        state = "failed";
        error = std::string("无收件人 / no recipients with an e-mail address");
      }
      message["recipients"] = std::move(to);
    }
    c.Insert(kInsertDelivery,
             {n.Int(0), ch->id, unit, db::Opt(n.OptInt(1)), n.Str(5), level, n.Str(7),
              boost::json::serialize(message), state, error, now, now, now});
  }
}

NoticeMessage MessageOf(const db::Row& r, int64_t id) {
  NoticeMessage m;
  m.delivery_id = id;
  m.alert_id = r.OptInt(1);
  m.notice_id = r.OptInt(2);
  m.kind = r.Str(3);
  m.level = r.Str(4);
  m.title = r.Str(5);
  m.org_unit_id = r.Int(7);
  m.test = r.Bool(8);
  boost::system::error_code ec;
  const auto v = boost::json::parse(r.Str(6), ec);
  const auto* o = ec ? nullptr : v.if_object();
  if (!o) return m;
  auto str = [&](std::string_view key) {
    const auto* x = o->if_contains(key);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  auto opt_int = [&](std::string_view key) -> std::optional<int64_t> {
    const auto* x = o->if_contains(key);
    if (x && x->is_int64()) return x->as_int64();
    return std::nullopt;
  };
  m.body = str("body");
  m.place = str("place");
  m.link = str("link");
  if (auto tz = str("timezone"); !tz.empty()) m.timezone = tz;
  m.occurred_at = opt_int("occurred_at").value_or(0);
  m.hazard_id = opt_int("hazard_id");
  m.task_id = opt_int("task_id");
  return m;
}

std::vector<std::string> RecipientsOf(const std::string& message_json) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  const auto v = boost::json::parse(message_json, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* to = o ? o->if_contains("recipients") : nullptr;
  if (to && to->is_array()) {
    for (const auto& x : to->as_array())
      if (x.is_string()) out.emplace_back(x.as_string());
  }
  return out;
}

// Loads a row just claimed. nullopt (and the row failed) when its channel is
// gone or disabled.
std::optional<ClaimedDelivery> LoadClaimed(db::Conn& c, int64_t id, const std::string& token,
                                           int attempt, int round_attempt, int64_t now) {
  const auto r = c.QueryOne(kClaimed, {id});
  if (!r) return std::nullopt;
  const auto channel = FindChannel(c, r->Int(0));
  if (!channel || !channel->enabled) {
    const std::string why =
        channel ? "渠道已停用 / channel disabled" : "渠道已删除 / channel deleted";
    c.Exec(kMarkFailedTry,
           {std::string("failed"), now, db::Null(), db::Null(), why, now, id, token});
    return std::nullopt;
  }
  ClaimedDelivery d;
  d.id = id;
  d.claim_token = token;
  d.attempt = attempt;
  d.round_attempt = round_attempt;
  d.test = r->Bool(8);
  d.channel = *channel;
  d.message = MessageOf(*r, id);
  d.recipients = RecipientsOf(r->Str(6));
  return d;
}

}  // namespace

DeliveryOptions DeliveryOptionsFromEnv() {
  DeliveryOptions o;
  if (const char* v = std::getenv("ANXUN_DELIVERY_BACKOFF_MS")) o.backoff_ms = ParseBackoff(v);
  o.poll_ms = EnvInt("ANXUN_DELIVERY_POLL_MS", o.poll_ms, 50);
  o.send.connect_timeout_ms =
      EnvInt("ANXUN_DELIVERY_CONNECT_TIMEOUT_MS", o.send.connect_timeout_ms, 100);
  o.send.total_timeout_ms = EnvInt("ANXUN_DELIVERY_TIMEOUT_MS", o.send.total_timeout_ms, 100);
  o.send.connect_timeout_ms = std::min(o.send.connect_timeout_ms, o.send.total_timeout_ms);
  o.lease_ms = EnvInt("ANXUN_DELIVERY_LEASE_MS", o.lease_ms, 1000);
  // A lease shorter than one try would let another server send the row again.
  o.lease_ms = std::max(o.lease_ms, o.send.total_timeout_ms + 2000);
  if (const char* v = std::getenv("ANXUN_DELIVERY_LINK_BASE")) o.link_base = v;
  return o;
}

std::optional<int64_t> NextAttemptAt(const DeliveryOptions& o, int round_attempt, int64_t now) {
  if (round_attempt < 1 || round_attempt > static_cast<int>(o.backoff_ms.size()))
    return std::nullopt;
  return now + o.backoff_ms[round_attempt - 1];
}

int FanOutNotices(db::Conn& c, const DeliveryOptions& o, int64_t now, int limit) {
  std::map<int64_t, std::vector<Channel>> channels_by_unit;
  int done = 0;
  for (const auto& n : c.Query(kPendingNotices, {int64_t{limit}})) {
    // Another server may have taken this notice since the SELECT.
    if (c.Exec(kMarkFannedOut, {n.Int(0)}) == 0) continue;
    FanOutOne(c, o, n, now, channels_by_unit);
    ++done;
  }
  return done;
}

std::vector<ClaimedDelivery> ClaimDue(db::Conn& c, const DeliveryOptions& o, int64_t now) {
  c.Exec(kFailInterruptedTests, {kInterrupted, now, now});
  std::vector<ClaimedDelivery> out;
  for (const auto& r : c.Query(kDue, {now, now, int64_t{std::max(o.parallel, 1)}})) {
    const int64_t id = r.Int(0);
    const bool expired = r.Str(1) == "sending";
    const int attempts = static_cast<int>(r.Int(2));
    const int round = static_cast<int>(r.Int(3));
    if (expired && round >= o.MaxAttempts()) {
      if (c.Exec(kGiveUpExpired, {kInterrupted, now, id, now}) == 1)
        c.Exec(kInsertAttempt, {id, int64_t{attempts}, now, int64_t{0}, int64_t{0}, db::Null(),
                                std::string(), kInterrupted});
      continue;
    }

    const std::string token = RandomToken(12);
    if (c.Exec(kClaim, {now + o.lease_ms, token, now, id, now, now}) != 1) continue;
    if (expired) {
      c.Exec(kInsertAttempt, {id, int64_t{attempts}, now, int64_t{0}, int64_t{0}, db::Null(),
                              std::string(), kInterrupted});
      spdlog::warn("delivery {}: claim expired during try {}; trying again", id, attempts);
    }
    if (auto d = LoadClaimed(c, id, token, attempts + 1, round + 1, now)) out.push_back(*d);
  }
  return out;
}

void RecordOutcome(db::Conn& c, const ClaimedDelivery& d, const SendOutcome& out,
                   const DeliveryOptions& o, int64_t now) {
  const std::string answer = out.response.substr(0, kMaxStoredAnswer);
  const db::Value status = out.status ? db::Value(int64_t{*out.status}) : db::Null();
  c.Exec(kInsertAttempt, {d.id, int64_t{d.attempt}, now - out.duration_ms, out.duration_ms,
                          int64_t{out.ok}, status, answer, out.error});
  if (out.ok) {
    c.Exec(kMarkSent, {now, status, answer, now, d.id});
    return;
  }

  const auto next = d.test ? std::nullopt : NextAttemptAt(o, d.round_attempt, now);
  c.Exec(kMarkFailedTry, {std::string(next ? "pending" : "failed"), next.value_or(now), status,
                          answer, out.error, now, d.id, d.claim_token});
}

}  // namespace anxun::alert
