// Account administration shared by the users API and the command line
// (`anxun user ...`), so that both apply the same rules.
//
// Functions that take a Database hash passwords on the calling thread first
// (about 0.1 s; never inside Write), then make the change, audit it and drop
// the session cache. Functions that take a Conn run inside the caller's Write
// and leave InvalidateSessionCache() to the caller, after the commit.
// Errors are ApiError: 400 validation_failed (details.fields), 404 not_found,
// 409 username_taken / separation_of_duties / last_administrator /
// version_conflict. Thread-safe: the Database serialises the writes.
#pragma once

#include "audit/audit.h"
#include "common/config.h"
#include "db/db.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::auth {

struct NewUser {
  std::string username;  // 2-64 of A-Z a-z 0-9 . _ - @
  std::string display_name;
  int64_t org_unit_id = 0;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::vector<int64_t> role_ids;
  std::string password;
  std::string locale = "zh-CN";
  bool must_change_password = true;  // new accounts choose their own password first
  bool password_exempt = false;      // demo accounts only
};

// Validates `u` (username, password policy, org unit, roles, separation of
// duties), creates the account with its roles and audits `user.create`.
// Returns the new id.
int64_t CreateUser(db::Database& db, const Config& cfg, const audit::Actor& actor,
                   const NewUser& u);

// The write half of CreateUser, for callers that seed many accounts in one
// Write with a hash computed once. Does not check the password policy.
int64_t InsertUser(db::Conn& c, const audit::Actor& actor, const NewUser& u,
                   const std::string& password_hash);

// Changes to a profile; absent fields stay. An empty phone or email clears it.
struct UserPatch {
  std::optional<std::string> display_name = std::nullopt;
  std::optional<std::string> phone = std::nullopt;
  std::optional<std::string> email = std::nullopt;
  std::optional<std::string> locale = std::nullopt;
  std::optional<int64_t> org_unit_id = std::nullopt;
  std::optional<bool> active = std::nullopt;
  std::optional<int64_t> version = std::nullopt;  // when given, 409 version_conflict if stale
};

// Applies `p` and audits `user.update`; deactivating also revokes the user's
// sessions (409 `last_administrator` for the last holder of a duty).
void UpdateUser(db::Conn& c, const audit::Actor& actor, int64_t user_id, const UserPatch& p);

// Sets a new password chosen by an administrator (or the command line):
// checks the policy (400 fields.new_password), revokes every session of the
// user and sets must_change_password unless `must_change` is false.
// Audits `user.reset_password`.
void SetPassword(db::Database& db, const Config& cfg, const audit::Actor& actor, int64_t user_id,
                 const std::string& password, bool must_change = true);

// Locks the account until `until` (epoch ms; nullopt = until unlocked) and
// revokes its sessions; audits `user.lock`. UnlockUser clears the lock and the
// failure count; audits `user.unlock`.
void LockUser(db::Database& db, const audit::Actor& actor, int64_t user_id,
              std::optional<int64_t> until = std::nullopt);
void UnlockUser(db::Database& db, const audit::Actor& actor, int64_t user_id);

// Forgets the user's TOTP secret (a lost phone) and revokes their sessions;
// an administrator then enrols again at the next login. Audits
// `user.reset_totp`.
void ResetTotp(db::Conn& c, const audit::Actor& actor, int64_t user_id);

// Replaces the user's roles; 400 for unknown role ids, 409
// `separation_of_duties` for roles of two duties, 409 `last_administrator`
// when it would leave a duty without an active holder. Audits `user.set_roles`.
void SetUserRoles(db::Conn& c, const audit::Actor& actor, int64_t user_id,
                  const std::vector<int64_t>& role_ids);

// Throws 409 `separation_of_duties` when `role_ids` hold roles of two duties.
void CheckSeparationOfDuties(db::Conn& c, const std::vector<int64_t>& role_ids);

// The duty ("system" | "security" | "audit") of the user's roles, or "".
std::string UserDuty(db::Conn& c, int64_t user_id);

// Throws 409 `last_administrator` when `user_id` is the only active account
// holding its duty (deactivating or stripping it would orphan the duty).
void CheckNotLastOfDuty(db::Conn& c, int64_t user_id);

// The command line's verbs (`anxun user add|passwd|lock|unlock|reset-totp`),
// naming accounts, org units and roles by username and code. Same rules as
// above; failures are std::runtime_error with a one-line message that names
// the offending fields. CliSetPassword makes the user choose a new password at
// the next login; CliSetLocked(false) also clears the failure count.
int64_t CliCreateUser(db::Database& db, const Config& cfg, const audit::Actor& actor,
                      const std::string& username, const std::string& display_name,
                      const std::string& org_code, const std::vector<std::string>& role_codes,
                      const std::string& password);
void CliSetPassword(db::Database& db, const Config& cfg, const audit::Actor& actor,
                    const std::string& username, const std::string& password);
void CliSetLocked(db::Database& db, const audit::Actor& actor, const std::string& username,
                  bool locked);
void CliResetTotp(db::Database& db, const audit::Actor& actor, const std::string& username);

// What the audit trail records about a user: the profile and role ids, never
// the password hash or TOTP secret. Inside Read or Write; null when missing.
boost::json::value UserAuditJson(db::Conn& c, int64_t user_id);

}  // namespace anxun::auth
