// Per-user notifications and per-unit notices: what routing, escalation and
// supervision write, what the WebSocket push and the user's bell read, and
// what the delivery workers fan out to a unit's webhooks and mail.
//
// A notice (an alert routed, an escalation step, a reminder) becomes one
// `notifications` row per distinct user told (its id is the sequence number a
// client catches up from) and one `alert_notices` row per org unit told.
// Writers run inside Database::Write; after the Write returns the caller
// hands the users to NotifyListeners so pushes go out at once.
#pragma once

#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::alert {

// What one notice says.
struct Notice {
  std::string kind;  // alert | escalation | reminder
  std::optional<int64_t> alert_id, hazard_id, task_id;
  std::string level;  // major | serious | general | minor
  std::string title;
  std::string body;
  std::string link;  // web route, e.g. /alerts/12
  bool popup = false;
};

// An org unit told and the users of it who get a notification.
struct UnitRecipients {
  int64_t org_unit_id = 0;
  std::vector<int64_t> user_ids;
};

// Chinese label of a level (重大, 较大, 一般, 轻微); the code itself when unknown.
std::string_view LevelLabel(std::string_view level);
// Whether a level pops up with sound in the web application (major, serious).
bool PopupLevel(std::string_view level);

// Writes `n` for `units`, in order: one alert_notices row per unit (its
// recipient_ids are the users first told through it) and one notifications
// row per distinct user. Returns the distinct users. REQUIRES: inside Write.
std::vector<int64_t> WriteNotice(db::Conn& c, const Notice& n,
                                 const std::vector<UnitRecipients>& units, int64_t now);

// The function told, after each Write that created notifications, which
// users have new ones (the push helper wires it in serve.cpp). Replaces the
// previous listener; an empty function removes it. Thread-safe.
void SetNotificationListener(std::function<void(const std::vector<int64_t>& user_ids)> fn);
// Calls the listener with `user_ids` (nothing when empty or none is set). A
// listener that throws is logged and ignored. Thread-safe.
void NotifyListeners(const std::vector<int64_t>& user_ids);

// What a batch of notice-writing steps did.
struct BatchResult {
  int64_t done = 0;               // steps that did something
  std::vector<int64_t> user_ids;  // users told, in order, possibly repeated
};

// Runs `step(c, i)` for i in [0, n) in one Write (a step returns the users it
// told, or nullopt when it did nothing). When that Write fails, runs each
// step in its own Write so one bad item never holds back the others; a step
// failing alone is logged under `what` and then `on_fail(c, i)` runs in its
// own Write (when given) to park the item. Does not call the listeners.
BatchResult WriteEach(
    db::Database& db, size_t n,
    const std::function<std::optional<std::vector<int64_t>>(db::Conn&, size_t)>& step,
    std::string_view what, const std::function<void(db::Conn&, size_t)>& on_fail = {});

struct Notification {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string kind;
  std::optional<int64_t> alert_id, hazard_id, task_id;
  std::string level, title, body, link;
  bool popup = false;
  int64_t created_at = 0;
  std::optional<int64_t> read_at;
};

constexpr int64_t kMaxNotificationPage = 200;

// The user's notifications with id > after_id, oldest first, at most `limit`
// (clamped to 1..kMaxNotificationPage).
std::vector<Notification> ListNotifications(db::Conn& c, int64_t user_id, int64_t after_id,
                                            int64_t limit);
int64_t UnreadCount(db::Conn& c, int64_t user_id);
// The user's newest notification id (0 when none).
int64_t LastNotificationId(db::Conn& c, int64_t user_id);
// Marks the user's unread notifications among `ids` (all of them when
// nullopt) read at `now`; others' ids are ignored. Returns how many changed.
// REQUIRES: inside Write.
int64_t MarkRead(db::Conn& c, int64_t user_id, const std::optional<std::vector<int64_t>>& ids,
                 int64_t now);

boost::json::object NotificationJson(const Notification& n);

}  // namespace anxun::alert
