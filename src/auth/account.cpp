#include "auth/account.h"

#include "auth/login.h"
#include "auth/qr_svg.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/json.h"

#include <boost/json.hpp>

namespace anxun::auth {
namespace {

constexpr const char* kSelectAccountState =
    "SELECT u.must_change_password, u.password_exempt, u.password_changed_at, u.totp_enabled, "
    "(SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
    " WHERE ur.user_id = u.id AND r.duty IS NOT NULL AND r.active = 1) "
    "FROM users u WHERE u.id = ?";

constexpr const char* kSelectProfile =
    "SELECT u.totp_enabled, u.locale, u.password_changed_at, u.password_exempt, o.id, o.name, "
    "o.kind FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?";

constexpr const char* kEnableTotp =
    "UPDATE users SET totp_enabled = 1, updated_at = ? WHERE id = ? AND totp_secret = ?";

constexpr const char* kSetOwnPassword =
    "UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = 0, "
    "failed_logins = 0, updated_at = ? WHERE id = ?";

AccountState LoadAccountState(db::Conn& c, int64_t user_id) {
  const auto row = c.QueryOne(kSelectAccountState, {user_id});
  if (!row) throw NotFound("user");
  AccountState s;
  s.must_change_password = row->Bool(0);
  s.password_exempt = row->Bool(1);
  s.password_changed_at = row->Int(2);
  s.totp_enabled = row->Bool(3);
  s.is_admin = row->Int(4) > 0;
  return s;
}

[[noreturn]] void FailField(std::string_view field, std::string_view message) {
  FieldErrors errors;
  errors.Add(field, message);
  errors.ThrowIfAny();
  throw std::logic_error("unreachable");
}

// Lifts or keeps the restriction of the caller's session after a fix.
void RefreshRestriction(db::Conn& c, const Config& cfg, const Principal& p) {
  if (p.session_id == 0) return;
  SetSessionRestricted(c, p.session_id, CurrentRestriction(c, cfg, p.user_id).any());
}

std::optional<int64_t> PasswordExpiresAt(const Config& cfg, const AccountState& s) {
  const int days = s.is_admin ? cfg.password.admin_max_age_days : cfg.password.user_max_age_days;
  if (s.password_exempt || days <= 0) return std::nullopt;
  return s.password_changed_at + days * kDayMs;
}

}  // namespace

Restriction CurrentRestriction(db::Conn& c, const Config& cfg, int64_t user_id) {
  return ComputeRestriction(cfg.password, LoadAccountState(c, user_id), NowMs());
}

boost::json::object AccountJson(db::Conn& c, const Config& cfg, const Principal& p) {
  const auto row = c.QueryOne(kSelectProfile, {p.user_id});
  if (!row) throw NotFound("user");
  const AccountState state = LoadAccountState(c, p.user_id);
  const Restriction restriction = ComputeRestriction(cfg.password, state, NowMs());

  boost::json::object o;
  o["id"] = p.user_id;
  o["username"] = p.username;
  o["display_name"] = p.display_name;
  o["org_unit"] = {{"id", row->Int(4)}, {"name", row->Str(5)}, {"kind", row->Str(6)}};
  boost::json::array roles;
  for (const auto& r : p.roles) {
    roles.push_back(
        {{"id", r.id}, {"code", r.code}, {"name", r.name}, {"scope", ScopeName(r.scope)}});
  }
  o["roles"] = std::move(roles);
  boost::json::array permissions;
  for (const auto& [permission, scope] : p.grants)
    permissions.emplace_back(permission);
  o["permissions"] = std::move(permissions);
  o["must_change_password"] = restriction.change_password;
  o["totp_enrollment_required"] = restriction.enroll_totp;
  o["totp_enabled"] = row->Bool(0);
  o["restricted"] = p.restricted;
  o["password_expires_at"] = OptTimeJson(PasswordExpiresAt(cfg, state));
  o["locale"] = row->Str(1);
  return o;
}

void ChangeOwnPassword(db::Database& db, const Config& cfg, const audit::Actor& actor,
                       const Principal& p, const std::string& old_password,
                       const std::string& new_password) {
  const auto row = db.Read([&](db::Conn& c) {
    return c.QueryOne("SELECT password_hash FROM users WHERE id = ?", {p.user_id});
  });
  if (!row) throw NotFound("user");
  const std::string current = row->Str(0);

  if (!VerifyPassword(old_password, current)) {
    db.Write([&](db::Conn& c) {
      audit::Append(
          c, actor,
          {"auth.password_change_failed", "user", std::to_string(p.user_id), nullptr, nullptr});
    });
    FailField("old_password", "当前密码不正确 / current password is wrong");
  }
  if (auto why = CheckPasswordPolicy(cfg.password, p.username, new_password)) {
    FailField("new_password", *why);
  }
  if (VerifyPassword(new_password, current)) {
    FailField("new_password", "新密码不能与当前密码相同 / must differ from the current password");
  }
  const std::string hash = HashPassword(new_password);

  db.Write([&](db::Conn& c) {
    const int64_t now = NowMs();
    c.Exec(kSetOwnPassword, {hash, now, now, p.user_id});
    const int64_t revoked = RevokeUserSessions(c, p.user_id, p.session_id);
    RefreshRestriction(c, cfg, p);
    boost::json::object after;
    after["other_sessions_revoked"] = revoked;
    audit::Append(c, actor,
                  {"auth.password_change", "user", std::to_string(p.user_id), nullptr, after});
  });
  InvalidateSessionCache();
}

TotpEnrollment BeginTotpEnrollment(db::Database& db, const audit::Actor& actor,
                                   const Principal& p) {
  TotpEnrollment e;
  e.secret = NewTotpSecret();
  e.otpauth_uri = OtpauthUri(p.username, e.secret);
  e.qr_svg = QrSvg(e.otpauth_uri);

  db.Write([&](db::Conn& c) {
    if (c.Exec("UPDATE users SET totp_secret = ? WHERE id = ? AND totp_enabled = 0",
               {e.secret, p.user_id}) == 0) {
      throw Conflict("totp_already_enabled", "已启用动态验证码 / two-factor is already enabled");
    }
    audit::Append(c, actor,
                  {"auth.totp_enroll", "user", std::to_string(p.user_id), nullptr, nullptr});
  });
  return e;
}

void ConfirmTotpEnrollment(db::Database& db, const Config& cfg, const audit::Actor& actor,
                           const Principal& p, std::string_view code) {
  const auto row = db.Read([&](db::Conn& c) {
    return c.QueryOne("SELECT totp_secret, totp_enabled FROM users WHERE id = ?", {p.user_id});
  });
  if (!row) throw NotFound("user");
  if (row->Bool(1)) {
    throw Conflict("totp_already_enabled", "已启用动态验证码 / two-factor is already enabled");
  }
  const auto key = row->IsNull(0) ? std::nullopt : Base32Decode(row->Str(0));
  if (!key) throw Conflict("totp_not_enrolled", "请先生成密钥 / start the enrolment first");
  const auto step = MatchTotp(*key, code, NowMs());
  if (!step || !AcceptTotpStep(p.user_id, *step)) {
    FailField("code", "验证码不正确 / wrong code");
  }

  db.Write([&](db::Conn& c) {
    if (c.Exec(kEnableTotp, {NowMs(), p.user_id, row->Str(0)}) == 0) {
      throw Conflict("totp_not_enrolled",
                     "密钥已更换，请重新扫码 / the secret changed, scan again");
    }
    RefreshRestriction(c, cfg, p);
    audit::Append(c, actor,
                  {"auth.totp_enable", "user", std::to_string(p.user_id), nullptr, nullptr});
  });
  InvalidateSessionCache();
}

}  // namespace anxun::auth
