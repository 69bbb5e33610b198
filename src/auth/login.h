// Signing in with a password and, where enrolled, a TOTP code.
//
// Rules (graded protection level 3 by default, numbers from Config):
// - an unknown, inactive or service account and a wrong password all answer
//   401 `invalid_credentials` with one message, after the same hashing work;
// - `lockout_attempts` failures in a row lock the account for
//   `lockout_minutes` (423 `account_locked`, details.locked_until);
// - an account with TOTP needs `totp_code` (401 `totp_required` without one;
//   a wrong or replayed code is a failure like a wrong password);
// - the session is restricted while the password must be changed (forced or
//   expired) or an administrator has not enrolled TOTP yet.
// Every success, failure and lock is written to the audit trail; passwords,
// codes and tokens never are.
#pragma once

#include "auth/password.h"
#include "auth/session.h"
#include "common/config.h"
#include "db/db.h"

#include <cstdint>
#include <optional>
#include <string>

namespace anxun::auth {

struct LoginInput {
  std::string username;
  std::string password;
  std::optional<std::string> totp_code;
  std::string ip;
  std::string user_agent;
  std::string request_id;
};

struct LoginResult {
  int64_t user_id = 0;
  NewSession session;
  Restriction restriction;  // why the session is restricted, if it is
};

// Checks the credentials and opens a session. Hashes on the calling thread
// (about 0.1 s), then writes. Throws ApiError as described above.
LoginResult Login(db::Database& db, const Config& cfg, const LoginInput& in);

// Accepts a TOTP step once per user in this process: false when `step` is not
// newer than the last one accepted (a replayed code). Thread-safe.
bool AcceptTotpStep(int64_t user_id, int64_t step);

// Forgets the accepted steps (tests reuse user ids across databases).
void ForgetTotpStepsForTesting();

}  // namespace anxun::auth
