#include "auth/session.h"

#include "auth/grants.h"
#include "common/clock.h"
#include "common/crypto.h"

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace anxun::auth {
namespace {

constexpr int64_t kCacheTtlMs = 2 * kSecondMs;
constexpr int64_t kTouchIntervalMs = kMinuteMs;
constexpr size_t kCacheMaxEntries = 20000;
constexpr size_t kMaxTokenLength = 128;
constexpr size_t kMaxUserAgentLength = 256;

constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, restricted, ip, user_agent, "
    "created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kSelectSession =
    "SELECT s.id, s.user_id, s.csrf_token, s.restricted, s.last_seen_at, s.expires_at, "
    "s.revoked_at, u.active, u.username, u.display_name, u.org_unit_id, u.is_service, o.path "
    "FROM sessions s JOIN users u ON u.id = s.user_id JOIN org_units o ON o.id = u.org_unit_id "
    "WHERE s.token_hash = ?";

constexpr const char* kTouchSession =
    "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL";

// A session as loaded, with the instants that decide whether it is still valid.
struct Loaded {
  Principal principal;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
  int64_t fetched_at = 0;
  uint64_t generation = 0;
};

bool StillValid(const Loaded& s, const Config& cfg, int64_t now) {
  return now < s.expires_at && now - s.last_seen_at < cfg.session_idle_minutes * kMinuteMs;
}

// Sessions loaded in the last two seconds. An entry is used only while the
// generation it was loaded under is current, so a revocation that bumps the
// generation after its commit can never be undone by a read that raced it.
class SessionCache {
 public:
  uint64_t generation() const { return generation_.load(); }
  void Invalidate() {
    std::lock_guard lk(mu_);
    generation_.fetch_add(1);
    entries_.clear();
  }

  std::optional<Loaded> Find(const std::string& hash, int64_t now) {
    std::lock_guard lk(mu_);
    auto it = entries_.find(hash);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.generation != generation_.load() || now - it->second.fetched_at >= kCacheTtlMs) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second;
  }

  void Put(const std::string& hash, Loaded s) {
    std::lock_guard lk(mu_);
    if (s.generation != generation_.load()) return;
    if (entries_.size() >= kCacheMaxEntries) entries_.clear();
    entries_.insert_or_assign(hash, std::move(s));
  }

 private:
  std::mutex mu_;
  std::atomic<uint64_t> generation_{1};
  std::unordered_map<std::string, Loaded> entries_;
};

SessionCache& Cache() {
  static SessionCache cache;
  return cache;
}

std::optional<Loaded> LoadSession(db::Conn& c, const std::string& hash) {
  const auto row = c.QueryOne(kSelectSession, {hash});
  if (!row || !row->IsNull(6) || !row->Bool(7)) return std::nullopt;

  Loaded s;
  Principal& p = s.principal;
  p.session_id = row->Int(0);
  p.user_id = row->Int(1);
  p.csrf_token = row->Str(2);
  p.restricted = row->Bool(3);
  s.last_seen_at = row->Int(4);
  s.expires_at = row->Int(5);
  p.username = row->Str(8);
  p.display_name = row->Str(9);
  p.org_unit_id = row->Int(10);
  p.is_service = row->Bool(11);
  LoadGrants(c, p, row->Str(12));
  return s;
}

}  // namespace

NewSession CreateSession(db::Conn& c, const Config& cfg, int64_t user_id, bool restricted,
                         std::string_view ip, std::string_view user_agent) {
  const int64_t now = NowMs();
  NewSession s;
  s.token = RandomToken(32);
  s.csrf_token = RandomToken(24);
  s.expires_at = now + cfg.session_absolute_hours * kHourMs;
  s.id = c.Insert(kInsertSession,
                  {Sha256Hex(s.token), user_id, s.csrf_token, int64_t{restricted}, std::string(ip),
                   std::string(user_agent.substr(0, kMaxUserAgentLength)), now, now, s.expires_at});
  return s;
}

std::optional<Principal> AuthenticateSession(db::Database& db, const Config& cfg,
                                             std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return std::nullopt;
  const std::string hash = Sha256Hex(token);
  const int64_t now = NowMs();

  if (auto cached = Cache().Find(hash, now)) {
    if (StillValid(*cached, cfg, now)) return std::move(cached->principal);
  }

  const uint64_t generation = Cache().generation();
  auto loaded = db.Read([&](db::Conn& c) { return LoadSession(c, hash); });
  if (!loaded || !StillValid(*loaded, cfg, now)) return std::nullopt;

  if (now - loaded->last_seen_at >= kTouchIntervalMs) {
    const int64_t id = loaded->principal.session_id;
    db.Write([&](db::Conn& c) { c.Exec(kTouchSession, {now, id}); });
    loaded->last_seen_at = now;
  }
  loaded->fetched_at = now;
  loaded->generation = generation;
  Cache().Put(hash, *loaded);
  return std::move(loaded->principal);
}

int64_t RevokeSession(db::Conn& c, int64_t session_id) {
  return c.Exec("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                {NowMs(), session_id});
}

int64_t RevokeUserSessions(db::Conn& c, int64_t user_id, int64_t except_session) {
  return c.Exec(
      "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
      {NowMs(), user_id, except_session});
}

void SetSessionRestricted(db::Conn& c, int64_t session_id, bool restricted) {
  c.Exec("UPDATE sessions SET restricted = ? WHERE id = ?", {int64_t{restricted}, session_id});
}

void InvalidateSessionCache() {
  Cache().Invalidate();
}

int64_t PurgeEndedSessions(db::Conn& c, const Config& cfg) {
  const int64_t cutoff = NowMs() - kDayMs;
  const int64_t idle_cutoff = cutoff - cfg.session_idle_minutes * kMinuteMs;
  return c.Exec("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ? OR last_seen_at < ?",
                {cutoff, cutoff, idle_cutoff});
}

}  // namespace anxun::auth
