#include "alert/notifications.h"

#include "common/clock.h"
#include "common/json.h"
#include "db/query.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>

namespace anxun::alert {
namespace {

using Listener = std::function<void(const std::vector<int64_t>&)>;

std::mutex g_listener_mu;
std::shared_ptr<const Listener> g_listener;

constexpr const char* kInsertNotice =
    "INSERT INTO alert_notices (alert_id, hazard_id, task_id, org_unit_id, kind, level, title, "
    "body, link, recipient_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kInsertNotification =
    "INSERT INTO notifications (user_id, kind, alert_id, hazard_id, task_id, level, title, body, "
    "link, popup, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kNotificationColumns =
    "id, user_id, kind, alert_id, hazard_id, task_id, level, title, body, link, popup, "
    "created_at, read_at";

std::string IdsText(const std::vector<int64_t>& ids) {
  boost::json::array a;
  for (int64_t id : ids)
    a.push_back(id);
  return boost::json::serialize(a);
}

Notification NotificationFrom(const db::Row& r) {
  Notification n;
  n.id = r.Int(0);
  n.user_id = r.Int(1);
  n.kind = r.Str(2);
  n.alert_id = r.OptInt(3);
  n.hazard_id = r.OptInt(4);
  n.task_id = r.OptInt(5);
  n.level = r.Str(6);
  n.title = r.Str(7);
  n.body = r.Str(8);
  n.link = r.Str(9);
  n.popup = r.Bool(10);
  n.created_at = r.Int(11);
  n.read_at = r.OptInt(12);
  return n;
}

}  // namespace

std::string_view LevelLabel(std::string_view level) {
  if (level == "major") return "重大";
  if (level == "serious") return "较大";
  if (level == "general") return "一般";
  if (level == "minor") return "轻微";
  return level;
}

bool PopupLevel(std::string_view level) {
  return level == "major" || level == "serious";
}

std::vector<int64_t> WriteNotice(db::Conn& c, const Notice& n,
                                 const std::vector<UnitRecipients>& units, int64_t now) {
  std::set<int64_t> told;
  std::vector<int64_t> users;
  for (const auto& unit : units) {
    std::vector<int64_t> first_told;
    for (int64_t user : unit.user_ids) {
      if (told.insert(user).second) first_told.push_back(user);
    }
    c.Exec(kInsertNotice,
           {db::Opt(n.alert_id), db::Opt(n.hazard_id), db::Opt(n.task_id), unit.org_unit_id, n.kind,
            n.level, n.title, n.body, n.link, IdsText(first_told), now});
    users.insert(users.end(), first_told.begin(), first_told.end());
  }

  for (int64_t user : users) {
    c.Exec(kInsertNotification,
           {user, n.kind, db::Opt(n.alert_id), db::Opt(n.hazard_id), db::Opt(n.task_id), n.level,
            n.title, n.body, n.link, int64_t{n.popup}, now});
  }
  return users;
}

void SetNotificationListener(std::function<void(const std::vector<int64_t>& user_ids)> fn) {
  auto next = fn ? std::make_shared<const Listener>(std::move(fn)) : nullptr;
  std::lock_guard lk(g_listener_mu);
  g_listener = std::move(next);
}

void NotifyListeners(const std::vector<int64_t>& user_ids) {
  if (user_ids.empty()) return;
  std::shared_ptr<const Listener> listener;
  {
    std::lock_guard lk(g_listener_mu);
    listener = g_listener;
  }
  if (!listener) return;
  std::vector<int64_t> distinct = user_ids;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  try {
    (*listener)(distinct);
  } catch (const std::exception& e) {
    spdlog::warn("notifications: listener failed ({})", e.what());
  }
}

BatchResult WriteEach(
    db::Database& db, size_t n,
    const std::function<std::optional<std::vector<int64_t>>(db::Conn&, size_t)>& step,
    std::string_view what, const std::function<void(db::Conn&, size_t)>& on_fail) {
  auto run = [&](db::Conn& c, size_t from, size_t to) {
    BatchResult r;
    for (size_t i = from; i < to; ++i) {
      if (auto told = step(c, i)) {
        ++r.done;
        r.user_ids.insert(r.user_ids.end(), told->begin(), told->end());
      }
    }
    return r;
  };
  if (n == 0) return {};
  try {
    return db.Write([&](db::Conn& c) { return run(c, 0, n); });
  } catch (const std::exception& e) {
    spdlog::warn("{}: batch of {} failed ({}); retrying one by one", what, n, e.what());
  }

  BatchResult out;
  for (size_t i = 0; i < n; ++i) {
    try {
      BatchResult one = db.Write([&](db::Conn& c) { return run(c, i, i + 1); });
      out.done += one.done;
      out.user_ids.insert(out.user_ids.end(), one.user_ids.begin(), one.user_ids.end());
    } catch (const std::exception& e) {
      spdlog::error("{}: item {} failed ({}); set aside", what, i, e.what());
      if (on_fail) db.Write([&](db::Conn& c) { on_fail(c, i); });
    }
  }
  return out;
}

std::vector<Notification> ListNotifications(db::Conn& c, int64_t user_id, int64_t after_id,
                                            int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, kMaxNotificationPage);
  std::vector<Notification> out;
  for (const auto& r : c.Query(std::string("SELECT ") + kNotificationColumns +
                                   " FROM notifications WHERE user_id = ? AND id > ? "
                                   "ORDER BY id LIMIT ?",
                               {user_id, after_id, limit}))
    out.push_back(NotificationFrom(r));
  return out;
}

int64_t UnreadCount(db::Conn& c, int64_t user_id) {
  return c
      .QueryInt("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                {user_id})
      .value_or(0);
}

int64_t LastNotificationId(db::Conn& c, int64_t user_id) {
  return c.QueryInt("SELECT MAX(id) FROM notifications WHERE user_id = ?", {user_id}).value_or(0);
}

int64_t MarkRead(db::Conn& c, int64_t user_id, const std::optional<std::vector<int64_t>>& ids,
                 int64_t now) {
  db::Where where;
  where.Add("user_id = ?", {user_id});
  where.Add("read_at IS NULL");
  if (ids) where.In("id", *ids);
  db::Params params{now};
  for (const auto& p : where.params())
    params.push_back(p);
  return c.Exec("UPDATE notifications SET read_at = ?" + where.Sql(), params);
}

boost::json::object NotificationJson(const Notification& n) {
  boost::json::object j;
  j["id"] = n.id;
  j["kind"] = n.kind;
  j["alert_id"] = OptJson(n.alert_id);
  j["hazard_id"] = OptJson(n.hazard_id);
  j["task_id"] = OptJson(n.task_id);
  j["level"] = n.level;
  j["title"] = n.title;
  j["body"] = n.body;
  j["link"] = n.link;
  j["popup"] = n.popup;
  j["created_at"] = FormatRfc3339(n.created_at);
  j["read_at"] = OptTimeJson(n.read_at);
  return j;
}

}  // namespace anxun::alert
