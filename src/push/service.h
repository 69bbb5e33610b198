// The running push channel of one server: the hub, the database it reads,
// and a thread that wakes sockets when notifications are written.
//
// Notify() is what the alert module's notification listener calls after a
// commit: the local hub is woken, and on PostgreSQL the user ids go out on
// NOTIFY so that every other server wakes its sockets too. A sweep every
// few seconds wakes users whose rows arrived without a wake (a lost NOTIFY,
// another program), and a session check closes sockets whose session ended.
// All database reads happen on the service's thread or on the HTTP workers.
//
// Thread-safety: Notify and hub() are thread-safe. Start/Stop from one thread.
#pragma once

#include "db/db.h"
#include "push/hub.h"
#include "push/pg_channel.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace anxun::push {

struct ServiceOptions {
  HubOptions hub;
  int64_t session_idle_ms = 30 * 60 * 1000;  // Config::session_idle_minutes
  int64_t session_check_ms = 10 * 1000;      // how soon a logout closes the socket
  int64_t sweep_ms = 5 * 1000;               // the fallback for lost wakes
  std::string channel = "anxun_push";        // PostgreSQL NOTIFY channel
};

class Service {
 public:
  Service(db::Database& db, ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Starts the wake thread and, on PostgreSQL, LISTEN.
  void Start();
  // Stops both; later Notify calls do nothing. Idempotent.
  void Stop();

  // New notifications were committed for these users. Never blocks on the
  // database; safe to call from inside request handlers and jobs.
  void Notify(const std::vector<int64_t>& user_ids);

  Hub& hub() { return hub_; }

 private:
  class DbSource;

  void Run();
  void OnPayload(std::string_view payload);
  void Publish(const std::set<int64_t>& user_ids);
  void Sweep();
  void CheckSessions();

  db::Database& db_;
  const ServiceOptions options_;
  const std::string instance_;  // tells our own NOTIFYs apart from other servers'
  std::unique_ptr<DbSource> source_;
  Hub hub_;
  std::unique_ptr<PgChannel> channel_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool wake_all_ = false;
  std::set<int64_t> local_;   // written here: wake and publish
  std::set<int64_t> remote_;  // announced by another server: wake only
  std::thread thread_;

  int64_t sweep_after_ = -1;  // highest id the sweep has looked past, two sweeps back
  int64_t sweep_seen_ = -1;
};

}  // namespace anxun::push
