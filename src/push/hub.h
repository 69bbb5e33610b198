// The per-server hub of the real-time channel: which user has which open
// WebSockets, and what each of them has been sent.
//
// Protocol (text frames, JSON): the client sends {"type":"hello","after":N}
// with the last notification id it has; the hub answers the user's
// notifications with id > N (at most backlog_limit, oldest first; when there
// were more, {"type":"gap","latest":M} tells the client to reload its list
// and continue from M), then {"type":"ready"}, then pushes
// {"type":"notification",...} as Wake() finds new rows. {"type":"ping"} is
// answered {"type":"pong"}. Without "after" the client starts from now.
//
// Ids are sequence numbers, and with several servers writing one PostgreSQL
// a lower id can commit after a higher one. So a connection's cursor only
// moves past an id `settle_ms` after it was delivered; ids above the cursor
// that were already sent are remembered and not sent twice.
//
// Thread-safety: every method is thread-safe. Hello, Wake and WakeAll read
// through the Source (the database): call them off the I/O threads.
#pragma once

#include "http/websocket.h"
#include "push/reads.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace anxun::push {

// Where the hub reads notifications from. Implementations must be thread-safe.
class Source {
 public:
  virtual ~Source() = default;
  // The user's notifications with id > after, oldest first, at most `limit`.
  virtual std::vector<Notification> After(int64_t user_id, int64_t after, int64_t limit) = 0;
  // The user's newest notification id, 0 when none.
  virtual int64_t LatestId(int64_t user_id) = 0;
};

struct HubOptions {
  int per_user_connections = 8;  // more tabs than this are refused (429)
  int64_t backlog_limit = 200;   // notifications sent on hello before a gap hint
  int64_t pump_limit = 200;      // rows read per connection per wake
  int64_t settle_ms = 10000;     // see the note on ids above
};

// Milliseconds of a monotonic clock (the hub's default clock).
int64_t SteadyMs();

class Hub {
 public:
  class Slot;
  using Clock = std::function<int64_t()>;

  explicit Hub(Source& source, HubOptions options = {}, Clock clock = SteadyMs);
  ~Hub();

  // Takes one of the user's connection slots; nullptr when all are taken.
  // The slot is given back when the last owner drops it.
  std::shared_ptr<Slot> Reserve(int64_t user_id);

  // Registers an accepted socket for the slot's user and session; returns the
  // handler the server runs for it (messages as in the protocol above; close
  // unregisters it).
  http::WebSocketHandler Attach(std::shared_ptr<Slot> slot, std::shared_ptr<http::WebSocket> ws,
                                int64_t session_id);

  // Sends new notifications to the ready connections of these users / of all.
  void Wake(const std::set<int64_t>& user_ids);
  void WakeAll();

  // The sessions behind open connections, and closing (4401) those that are
  // no longer in `live`.
  std::vector<int64_t> SessionIds() const;
  void EndSessions(const std::set<int64_t>& live);

  size_t connection_count() const;

 private:
  struct Conn;
  struct Slots;

  void OnMessage(const std::shared_ptr<Conn>& conn, std::string_view text);
  void Hello(Conn& conn, std::optional<int64_t> after);
  void Pump(Conn& conn);
  bool Deliver(Conn& conn, const std::vector<Notification>& rows, int64_t now);
  void Settle(Conn& conn, int64_t now);
  void Detach(const std::shared_ptr<Conn>& conn);
  std::vector<std::shared_ptr<Conn>> ConnsOf(const std::set<int64_t>* user_ids) const;

  Source& source_;
  const HubOptions options_;
  const Clock clock_;
  std::shared_ptr<Slots> slots_;  // shared with the slots, which may outlive the hub
  mutable std::mutex mu_;
  std::unordered_map<int64_t, std::vector<std::shared_ptr<Conn>>> by_user_;
};

}  // namespace anxun::push
