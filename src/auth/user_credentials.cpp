// The credential half of users.h: passwords set by administrators, locks,
// and two-factor resets.
#include "auth/password.h"
#include "auth/session.h"
#include "auth/users.h"
#include "common/clock.h"
#include "common/error.h"

#include <boost/json.hpp>

namespace anxun::auth {
namespace {

// "Until unlocked": 9999-12-31T23:59:59Z, a date every client can format.
constexpr int64_t kLockedForever = 253402300799000;

constexpr const char* kSetPassword =
    "UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ?, "
    "failed_logins = 0, updated_at = ? WHERE id = ?";

std::string UsernameOf(db::Database& db, int64_t user_id) {
  const auto row = db.Read([&](db::Conn& c) {
    return c.QueryOne("SELECT username FROM users WHERE id = ?", {user_id});
  });
  if (!row) throw NotFound("user");
  return row->Str(0);
}

// Runs `change` on the user row and audits it with the profile before and after.
template <class F>
void ChangeAndAudit(db::Conn& c, const audit::Actor& actor, int64_t user_id, const char* action,
                    F&& change) {
  const boost::json::value before = UserAuditJson(c, user_id);
  if (before.is_null()) throw NotFound("user");
  change();
  audit::Append(c, actor,
                {action, "user", std::to_string(user_id), before, UserAuditJson(c, user_id)});
}

}  // namespace

void SetPassword(db::Database& db, const Config& cfg, const audit::Actor& actor, int64_t user_id,
                 const std::string& password, bool must_change) {
  const std::string username = UsernameOf(db, user_id);
  if (auto why = CheckPasswordPolicy(cfg.password, username, password)) {
    FieldErrors errors;
    errors.Add("new_password", *why);
    errors.ThrowIfAny();
  }
  const std::string hash = HashPassword(password);

  db.Write([&](db::Conn& c) {
    ChangeAndAudit(c, actor, user_id, "user.reset_password", [&] {
      const int64_t now = NowMs();
      c.Exec(kSetPassword, {hash, now, int64_t{must_change}, now, user_id});
      RevokeUserSessions(c, user_id);
    });
  });
  InvalidateSessionCache();
}

void LockUser(db::Database& db, const audit::Actor& actor, int64_t user_id,
              std::optional<int64_t> until) {
  db.Write([&](db::Conn& c) {
    ChangeAndAudit(c, actor, user_id, "user.lock", [&] {
      c.Exec("UPDATE users SET locked_until = ?, updated_at = ? WHERE id = ?",
             {until.value_or(kLockedForever), NowMs(), user_id});
      RevokeUserSessions(c, user_id);
    });
  });
  InvalidateSessionCache();
}

void UnlockUser(db::Database& db, const audit::Actor& actor, int64_t user_id) {
  db.Write([&](db::Conn& c) {
    ChangeAndAudit(c, actor, user_id, "user.unlock", [&] {
      c.Exec("UPDATE users SET locked_until = NULL, failed_logins = 0, updated_at = ? WHERE id = ?",
             {NowMs(), user_id});
    });
  });
}

void ResetTotp(db::Conn& c, const audit::Actor& actor, int64_t user_id) {
  ChangeAndAudit(c, actor, user_id, "user.reset_totp", [&] {
    c.Exec("UPDATE users SET totp_secret = NULL, totp_enabled = 0, updated_at = ? WHERE id = ?",
           {NowMs(), user_id});
    RevokeUserSessions(c, user_id);
  });
}

}  // namespace anxun::auth
