// Login sessions: random bearer tokens, of which the database keeps only the
// SHA-256, with an idle and an absolute timeout.
//
// AuthenticateSession runs on every request, so it keeps what it loaded for
// two seconds in a process-wide cache keyed by the token's hash. Anything that
// revokes sessions or changes what a user may do (roles, permissions, the org
// tree) must call InvalidateSessionCache() after its write has committed (the
// auth functions that take a Database do it themselves); other servers sharing
// the database notice within those two seconds. Everything here is thread-safe.
#pragma once

#include "auth/principal.h"
#include "common/config.h"
#include "db/db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::auth {

// Name of the HttpOnly cookie that carries the token in the web application,
// and of the readable cookie that carries the CSRF token.
constexpr std::string_view kSessionCookie = "anxun_session";
constexpr std::string_view kCsrfCookie = "anxun_csrf";

struct NewSession {
  int64_t id = 0;
  std::string token;  // give to the client once; never log or store it
  std::string csrf_token;
  int64_t expires_at = 0;  // the absolute limit, epoch ms
};

// Opens a session for `user_id`. Runs inside Write.
NewSession CreateSession(db::Conn& c, const Config& cfg, int64_t user_id, bool restricted,
                         std::string_view ip, std::string_view user_agent);

// The caller behind `token`, or nullopt when the token is unknown, revoked,
// idle for longer than session_idle_minutes, older than
// session_absolute_hours, or its user is inactive. Records activity at most
// once a minute (a short write). Takes one or two indexed reads on a cache miss.
std::optional<Principal> AuthenticateSession(db::Database& db, const Config& cfg,
                                             std::string_view token);

// Marks the session or the user's sessions revoked (all but `except_session`).
// Run inside Write, then call InvalidateSessionCache(). Return rows changed.
int64_t RevokeSession(db::Conn& c, int64_t session_id);
int64_t RevokeUserSessions(db::Conn& c, int64_t user_id, int64_t except_session = 0);

// Sets whether the session is limited to fixing its account. Inside Write.
void SetSessionRestricted(db::Conn& c, int64_t session_id, bool restricted);

// Forgets every cached session of this process.
void InvalidateSessionCache();

// Deletes sessions that ended more than a day ago. Inside Write; returns rows.
int64_t PurgeEndedSessions(db::Conn& c, const Config& cfg);

}  // namespace anxun::auth
