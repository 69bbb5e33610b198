// Passwords: the policy a new password must meet, Argon2id hashing, and when
// an account must change its password before doing anything else.
//
// Hashing costs about 0.1 s of CPU and 64 MiB (libsodium's interactive
// limits): call HashPassword / VerifyPassword on a worker thread and never
// inside Database::Write, which would stall every other writer. All functions
// are thread-safe once InitCrypto() ran.
#pragma once

#include "common/config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::auth {

// Longest password accepted (bytes); longer input is refused before hashing.
constexpr size_t kMaxPasswordBytes = 128;

// The reason `password` breaks `policy` (a bilingual message for the client),
// or nullopt when it is acceptable: at least min_length characters, at least
// min_classes of lower/upper/digit/symbol, and not containing `username`
// (case-insensitive).
std::optional<std::string> CheckPasswordPolicy(const PasswordPolicy& policy,
                                               std::string_view username,
                                               std::string_view password);

// Argon2id string ("$argon2id$v=19$m=...") of `password`. Throws
// std::runtime_error when out of memory.
std::string HashPassword(std::string_view password);

// True when `password` matches `hash`; false for a wrong password or a hash
// that is empty or malformed (after as much work as a real check).
bool VerifyPassword(std::string_view password, std::string_view hash);

// True when `hash` was made with weaker limits than HashPassword uses now.
bool PasswordNeedsRehash(std::string_view hash);

// Makes HashPassword use libsodium's minimum limits, so that tests that log in
// many times stay fast. Never call outside tests.
void UseCheapPasswordHashingForTesting(bool cheap);

// What login needs to know about an account to decide whether the session it
// opens is restricted.
struct AccountState {
  bool must_change_password = false;
  bool password_exempt = false;  // demo accounts: no expiry, no forced change, no TOTP
  int64_t password_changed_at = 0;
  bool is_admin = false;  // holds a role with a duty (sysadmin, secadmin, auditor)
  bool totp_enabled = false;
};

// Why a session may do nothing but fix its account.
struct Restriction {
  bool change_password = false;  // forced change or expired password
  bool enroll_totp = false;      // administrator without two-factor yet

  bool any() const { return change_password || enroll_totp; }
};

Restriction ComputeRestriction(const PasswordPolicy& policy, const AccountState& account,
                               int64_t now_ms);

}  // namespace anxun::auth
