#include "push/service.h"

#include "common/clock.h"
#include "common/crypto.h"
#include "common/log.h"

#include <charconv>
#include <chrono>

namespace anxun::push {
namespace {

constexpr size_t kMaxPayload = 7000;  // NOTIFY allows just under 8000 bytes
constexpr int64_t kSweepRows = 5000;
constexpr auto kTick = std::chrono::milliseconds(500);

// "<instance> 1,2,3" payloads of at most kMaxPayload bytes.
std::vector<std::string> Payloads(const std::string& instance, const std::set<int64_t>& ids) {
  std::vector<std::string> out;
  std::string cur;
  for (int64_t id : ids) {
    const std::string item = std::to_string(id);
    if (!cur.empty() && cur.size() + item.size() + 1 > kMaxPayload) {
      out.push_back(std::move(cur));
      cur.clear();
    }
    cur += cur.empty() ? instance + " " + item : "," + item;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::set<int64_t> ParseIds(std::string_view list) {
  std::set<int64_t> ids;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    int64_t id = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (ec == std::errc() && end == item.data() + item.size() && id > 0) ids.insert(id);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return ids;
}

}  // namespace

class Service::DbSource final : public Source {
 public:
  explicit DbSource(db::Database& db) : db_(db) {}
  // Pages through the feed: the alert module's reads stop at 200 rows.
  std::vector<Notification> After(int64_t user_id, int64_t after, int64_t limit) override {
    std::vector<Notification> out;
    db_.Read([&](db::Conn& c) {
      while (static_cast<int64_t>(out.size()) < limit) {
        const int64_t want =
            std::min(limit - static_cast<int64_t>(out.size()), alert::kMaxNotificationPage);
        auto page = alert::ListNotifications(c, user_id, out.empty() ? after : out.back().id, want);
        const bool last = static_cast<int64_t>(page.size()) < want;
        std::move(page.begin(), page.end(), std::back_inserter(out));
        if (last) break;
      }
    });
    return out;
  }
  int64_t LatestId(int64_t user_id) override {
    return db_.Read([&](db::Conn& c) { return alert::LastNotificationId(c, user_id); });
  }

 private:
  db::Database& db_;
};

Service::Service(db::Database& db, ServiceOptions options)
    : db_(db),
      options_(std::move(options)),
      instance_(RandomToken(9)),
      source_(std::make_unique<DbSource>(db)),
      hub_(*source_, options_.hub) {}

Service::~Service() {
  Stop();
}

void Service::Start() {
  if (db_.dialect() == db::Dialect::kPostgres) {
    channel_ = std::make_unique<PgChannel>(
        db_.url(), options_.channel, [this](std::string_view p) { OnPayload(p); },
        [this] {
          std::lock_guard lk(mu_);
          wake_all_ = true;
          cv_.notify_one();
        });
    channel_->Start();
  }
  thread_ = std::thread([this] { Run(); });
}

void Service::Stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  if (channel_) channel_->Stop();
}

void Service::Notify(const std::vector<int64_t>& user_ids) {
  std::lock_guard lk(mu_);
  if (stopping_) return;
  local_.insert(user_ids.begin(), user_ids.end());
  cv_.notify_one();
}

void Service::OnPayload(std::string_view payload) {
  const size_t space = payload.find(' ');
  if (space == std::string_view::npos || payload.substr(0, space) == instance_) return;
  auto ids = ParseIds(payload.substr(space + 1));
  std::lock_guard lk(mu_);
  remote_.insert(ids.begin(), ids.end());
  cv_.notify_one();
}

// Runs every database touch of the service: wakes (reading new rows for the
// sockets), NOTIFY, the sweep and the session check. A failure is logged and
// the work is tried again at its next turn.
void Service::Run() {
  using Clock = std::chrono::steady_clock;
  auto next_sweep = Clock::now();
  auto next_check = Clock::now() + std::chrono::milliseconds(options_.session_check_ms);
  for (;;) {
    std::set<int64_t> local, remote;
    bool all = false;
    {
      std::unique_lock lk(mu_);
      cv_.wait_for(lk, kTick,
                   [&] { return stopping_ || wake_all_ || !local_.empty() || !remote_.empty(); });
      if (stopping_) return;
      local.swap(local_);
      remote.swap(remote_);
      std::swap(all, wake_all_);
    }
    try {
      if (!local.empty() && channel_) Publish(local);
      local.insert(remote.begin(), remote.end());
      if (all)
        hub_.WakeAll();
      else if (!local.empty())
        hub_.Wake(local);
      if (Clock::now() >= next_sweep) {
        next_sweep = Clock::now() + std::chrono::milliseconds(options_.sweep_ms);
        Sweep();
      }
      if (Clock::now() >= next_check) {
        next_check = Clock::now() + std::chrono::milliseconds(options_.session_check_ms);
        CheckSessions();
      }
    } catch (const std::exception& e) {
      spdlog::warn("push: wake failed ({}); retrying at the next sweep", e.what());
    }
  }
}

void Service::Publish(const std::set<int64_t>& user_ids) {
  for (const auto& payload : Payloads(instance_, user_ids))
    channel_->Publish(payload);
}

// Wakes the users with rows newer than two sweeps ago: a lower id may commit
// after a higher one, so the sweep looks back one extra interval.
void Service::Sweep() {
  if (sweep_after_ < 0) {
    sweep_after_ = sweep_seen_ = db_.Read([](db::Conn& c) { return MaxNotificationId(c); });
    return;
  }
  const Recent recent =
      db_.Read([&](db::Conn& c) { return RecentUsers(c, sweep_after_, kSweepRows); });
  if (!recent.user_ids.empty() && hub_.connection_count() > 0) hub_.Wake(recent.user_ids);
  const int64_t newest = std::max(sweep_seen_, recent.max_id);
  sweep_after_ = sweep_seen_;
  sweep_seen_ = newest;
}

void Service::CheckSessions() {
  const auto ids = hub_.SessionIds();
  if (ids.empty()) return;
  const int64_t now = NowMs();
  const auto live =
      db_.Read([&](db::Conn& c) { return LiveSessions(c, ids, options_.session_idle_ms, now); });
  hub_.EndSessions(live);
}

}  // namespace anxun::push
