// What the push channel reads from the database beyond the alert module's
// notification feed (alert/notifications.h): which users have new rows, and
// which sessions behind open sockets are still valid. And the frame a
// notification travels in.
//
// All functions take a Conn and only read; run them inside Database::Read,
// off the I/O threads. Stateless; thread-safe given one Conn per thread.
#pragma once

#include "alert/notifications.h"
#include "db/db.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace anxun::push {

using alert::Notification;

// The users with a notification of id > `after` (at most `limit` rows looked
// at, lowest ids first), and the highest id seen (`after` when none).
struct Recent {
  std::set<int64_t> user_ids;
  int64_t max_id = 0;
};
Recent RecentUsers(db::Conn& c, int64_t after, int64_t limit);

// The highest notification id of anyone, 0 when there is none.
int64_t MaxNotificationId(db::Conn& c);

// Of `session_ids`, those still valid at `now`: not revoked, not past their
// absolute or idle limit, their user active (an account lock revokes its
// sessions). Reading does not count as activity, so an open socket never
// keeps a session alive.
std::set<int64_t> LiveSessions(db::Conn& c, const std::vector<int64_t>& session_ids,
                               int64_t idle_ms, int64_t now);

// {"type":"notification", ...the row as GET /api/v1/notifications shows it}.
std::string ToMessage(const Notification& n);

}  // namespace anxun::push
