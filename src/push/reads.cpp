#include "push/reads.h"

#include <boost/json.hpp>

#include <algorithm>

namespace anxun::push {
namespace {

constexpr const char* kRecentUsers =
    "SELECT id, user_id FROM notifications WHERE id > ? ORDER BY id LIMIT ?";

constexpr const char* kMaxId = "SELECT MAX(id) FROM notifications";

// Mirrors auth::AuthenticateSession's checks, without touching last_seen_at.
constexpr const char* kLiveSessions =
    "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.revoked_at IS NULL AND s.expires_at > ? AND s.last_seen_at > ? AND u.active = 1 "
    "AND s.id IN ";

constexpr size_t kInChunk = 500;

std::string Placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i)
    out += i ? ", ?" : "?";
  return out + ")";
}

}  // namespace

Recent RecentUsers(db::Conn& c, int64_t after, int64_t limit) {
  Recent out;
  out.max_id = after;
  for (const auto& r : c.Query(kRecentUsers, {after, limit})) {
    out.max_id = std::max(out.max_id, r.Int(0));
    out.user_ids.insert(r.Int(1));
  }
  return out;
}

int64_t MaxNotificationId(db::Conn& c) {
  return c.QueryInt(kMaxId).value_or(0);
}

std::set<int64_t> LiveSessions(db::Conn& c, const std::vector<int64_t>& session_ids,
                               int64_t idle_ms, int64_t now) {
  std::set<int64_t> live;
  for (size_t at = 0; at < session_ids.size(); at += kInChunk) {
    const size_t n = std::min(kInChunk, session_ids.size() - at);
    db::Params params = {now, now - idle_ms};
    for (size_t i = 0; i < n; ++i)
      params.emplace_back(session_ids[at + i]);
    for (const auto& r : c.Query(std::string(kLiveSessions) + Placeholders(n), params))
      live.insert(r.Int(0));
  }
  return live;
}

std::string ToMessage(const Notification& n) {
  boost::json::object j = alert::NotificationJson(n);
  j["type"] = "notification";
  return boost::json::serialize(j);
}

}  // namespace anxun::push
