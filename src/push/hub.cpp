#include "push/hub.h"

#include "common/log.h"

#include <boost/json.hpp>

#include <chrono>

namespace anxun::push {
namespace {

// Rounds of reading per wake when a user's rows keep filling pump_limit.
constexpr int kMaxPumpRounds = 10;

std::string Message(std::string_view type) {
  return boost::json::serialize(boost::json::object{{"type", type}});
}

std::string GapMessage(int64_t latest) {
  return boost::json::serialize(boost::json::object{{"type", "gap"}, {"latest", latest}});
}

std::string ErrorMessage(std::string_view code) {
  return boost::json::serialize(boost::json::object{{"type", "error"}, {"code", code}});
}

}  // namespace

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Connection counts per user, shared with the slots.
struct Hub::Slots {
  std::mutex mu;
  std::unordered_map<int64_t, int> per_user;
};

class Hub::Slot {
 public:
  Slot(std::shared_ptr<Slots> slots, int64_t user_id)
      : slots_(std::move(slots)), user_id_(user_id) {}
  ~Slot() {
    std::lock_guard lk(slots_->mu);
    if (--slots_->per_user[user_id_] <= 0) slots_->per_user.erase(user_id_);
  }
  int64_t user_id() const { return user_id_; }

 private:
  std::shared_ptr<Slots> slots_;
  int64_t user_id_;
};

struct Hub::Conn {
  int64_t user_id = 0;
  int64_t session_id = 0;
  std::shared_ptr<http::WebSocket> ws;
  std::shared_ptr<Slot> slot;

  std::mutex mu;  // guards what follows; held while reading and sending
  bool ready = false;
  int64_t settled = 0;                // every id <= settled was sent or is ignored
  std::map<int64_t, int64_t> recent;  // id > settled already sent -> when
};

Hub::Hub(Source& source, HubOptions options, Clock clock)
    : source_(source),
      options_(options),
      clock_(std::move(clock)),
      slots_(std::make_shared<Slots>()) {}

Hub::~Hub() = default;

std::shared_ptr<Hub::Slot> Hub::Reserve(int64_t user_id) {
  std::lock_guard lk(slots_->mu);
  int& n = slots_->per_user[user_id];
  if (n >= options_.per_user_connections) return nullptr;
  ++n;
  return std::make_shared<Slot>(slots_, user_id);
}

http::WebSocketHandler Hub::Attach(std::shared_ptr<Slot> slot, std::shared_ptr<http::WebSocket> ws,
                                   int64_t session_id) {
  auto conn = std::make_shared<Conn>();
  conn->user_id = slot->user_id();
  conn->session_id = session_id;
  conn->ws = std::move(ws);
  conn->slot = std::move(slot);
  size_t open = 0;
  {
    std::lock_guard lk(mu_);
    auto& list = by_user_[conn->user_id];
    list.push_back(conn);
    open = list.size();
  }
  spdlog::info("push: user {} connected (ip={}, sockets={})", conn->user_id, conn->ws->remote_ip(),
               open);

  http::WebSocketHandler handler;
  handler.on_message = [this, conn](std::string_view text) { OnMessage(conn, text); };
  handler.on_close = [this, conn] { Detach(conn); };
  return handler;
}

void Hub::OnMessage(const std::shared_ptr<Conn>& conn, std::string_view text) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(text, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* type = o ? o->if_contains("type") : nullptr;
  if (!type || !type->is_string()) {
    conn->ws->Send(ErrorMessage("bad_message"));
    return;
  }
  if (type->as_string() == "ping") {
    conn->ws->Send(Message("pong"));
    return;
  }
  if (type->as_string() != "hello") {
    conn->ws->Send(ErrorMessage("unknown_type"));
    return;
  }
  const auto* after = o->if_contains("after");
  if (after && !after->is_null() && !(after->is_int64() && after->as_int64() >= 0)) {
    conn->ws->Send(ErrorMessage("bad_after"));
    return;
  }
  Hello(*conn, after && !after->is_null() ? std::optional(after->as_int64()) : std::nullopt);
}

void Hub::Hello(Conn& conn, std::optional<int64_t> after) {
  std::lock_guard lk(conn.mu);
  const int64_t latest = source_.LatestId(conn.user_id);
  conn.recent.clear();
  conn.ready = true;
  // No cursor, or one beyond what exists (the database was replaced): from now.
  if (!after || *after > latest) {
    conn.settled = latest;
    if (after) conn.ws->Send(GapMessage(latest));
    conn.ws->Send(Message("ready"));
    return;
  }

  conn.settled = *after;
  auto rows = source_.After(conn.user_id, *after, options_.backlog_limit + 1);
  const bool gap = static_cast<int64_t>(rows.size()) > options_.backlog_limit;
  if (gap) rows.resize(static_cast<size_t>(options_.backlog_limit));
  if (!Deliver(conn, rows, clock_())) return;
  if (gap) {
    conn.settled = std::max(latest, conn.settled);
    conn.recent.clear();
    conn.ws->Send(GapMessage(conn.settled));
  }
  conn.ws->Send(Message("ready"));
}

void Hub::Pump(Conn& conn) {
  std::lock_guard lk(conn.mu);
  if (!conn.ready) return;
  for (int round = 0; round < kMaxPumpRounds; ++round) {
    const int64_t limit = options_.pump_limit + static_cast<int64_t>(conn.recent.size());
    const auto rows = source_.After(conn.user_id, conn.settled, limit);
    const int64_t now = clock_();
    if (!Deliver(conn, rows, now)) return;
    Settle(conn, now);
    if (static_cast<int64_t>(rows.size()) < limit) return;
  }
}

bool Hub::Deliver(Conn& conn, const std::vector<Notification>& rows, int64_t now) {
  for (const auto& n : rows) {
    if (n.id <= conn.settled || conn.recent.count(n.id)) continue;
    if (!conn.ws->Send(ToMessage(n))) return false;  // closing, or dropped as too slow
    conn.recent.emplace(n.id, now);
  }
  return true;
}

void Hub::Settle(Conn& conn, int64_t now) {
  for (const auto& [id, at] : conn.recent) {
    if (at <= now - options_.settle_ms) conn.settled = std::max(conn.settled, id);
  }
  std::erase_if(conn.recent, [&](const auto& entry) { return entry.first <= conn.settled; });
}

void Hub::Detach(const std::shared_ptr<Conn>& conn) {
  size_t left = 0;
  {
    std::lock_guard lk(mu_);
    auto it = by_user_.find(conn->user_id);
    if (it == by_user_.end()) return;
    std::erase(it->second, conn);
    left = it->second.size();
    if (left == 0) by_user_.erase(it);
  }
  conn->slot.reset();
  spdlog::info("push: user {} disconnected (ip={}, sockets={})", conn->user_id,
               conn->ws->remote_ip(), left);
}

std::vector<std::shared_ptr<Hub::Conn>> Hub::ConnsOf(const std::set<int64_t>* user_ids) const {
  std::vector<std::shared_ptr<Conn>> out;
  std::lock_guard lk(mu_);
  if (!user_ids) {
    for (const auto& [user, list] : by_user_)
      out.insert(out.end(), list.begin(), list.end());
    return out;
  }
  for (int64_t user : *user_ids) {
    auto it = by_user_.find(user);
    if (it != by_user_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

void Hub::Wake(const std::set<int64_t>& user_ids) {
  for (const auto& conn : ConnsOf(&user_ids))
    Pump(*conn);
}

void Hub::WakeAll() {
  for (const auto& conn : ConnsOf(nullptr))
    Pump(*conn);
}

std::vector<int64_t> Hub::SessionIds() const {
  std::set<int64_t> ids;
  for (const auto& conn : ConnsOf(nullptr))
    ids.insert(conn->session_id);
  return {ids.begin(), ids.end()};
}

void Hub::EndSessions(const std::set<int64_t>& live) {
  for (const auto& conn : ConnsOf(nullptr)) {
    if (live.count(conn->session_id)) continue;
    spdlog::info("push: user {} session ended; closing its socket", conn->user_id);
    conn->ws->Close(http::kCloseSessionEnded, "session ended");
  }
}

size_t Hub::connection_count() const {
  std::lock_guard lk(mu_);
  size_t n = 0;
  for (const auto& [user, list] : by_user_)
    n += list.size();
  return n;
}

}  // namespace anxun::push
