// What signed-in users do to their own account: read it (GET /me), change
// their password, and enrol a TOTP authenticator. These are the calls a
// restricted session may make, and the ones that lift the restriction.
#pragma once

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "common/config.h"
#include "db/db.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace anxun::auth {

// Why the user's sessions would be restricted right now (forced or expired
// password, administrator without TOTP). Inside Read or Write.
Restriction CurrentRestriction(db::Conn& c, const Config& cfg, int64_t user_id);

// {id, username, display_name, org_unit: {id, name, kind}, roles: [{id, code,
// name, scope}], permissions: [...], must_change_password,
// totp_enrollment_required, totp_enabled, restricted, password_expires_at,
// locale} for `p`. Inside Read or Write.
boost::json::object AccountJson(db::Conn& c, const Config& cfg, const Principal& p);

// Changes the caller's own password. 400 fields.old_password when the current
// password is wrong (audited as `auth.password_change_failed`), 400
// fields.new_password on the policy or when it equals the current one. Keeps
// the caller's session (lifting its restriction when nothing else is pending),
// revokes the user's other sessions, audits `auth.password_change`. Hashes on
// the calling thread.
void ChangeOwnPassword(db::Database& db, const Config& cfg, const audit::Actor& actor,
                       const Principal& p, const std::string& old_password,
                       const std::string& new_password);

struct TotpEnrollment {
  std::string secret;       // base32, for typing in by hand
  std::string otpauth_uri;  // what the QR code holds
  std::string qr_svg;
};

// Stores a new, not yet enabled TOTP secret for the caller and returns it.
// 409 `totp_already_enabled` when TOTP is on. Audits `auth.totp_enroll`
// (without the secret).
TotpEnrollment BeginTotpEnrollment(db::Database& db, const audit::Actor& actor, const Principal& p);

// Enables TOTP when `code` matches the pending secret (400 fields.code when it
// does not, 409 `totp_not_enrolled` without a pending secret) and lifts the
// session's restriction when nothing else is pending. Audits
// `auth.totp_enable`.
void ConfirmTotpEnrollment(db::Database& db, const Config& cfg, const audit::Actor& actor,
                           const Principal& p, std::string_view code);

}  // namespace anxun::auth
