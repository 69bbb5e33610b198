#include "auth/login.h"

#include "audit/audit.h"
#include "auth/totp.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/error.h"

#include <mutex>
#include <unordered_map>

namespace anxun::auth {
namespace {

constexpr size_t kMaxAuditedUsername = 64;

constexpr const char* kSelectAccount =
    "SELECT u.id, u.password_hash, u.active, u.is_service, u.locked_until, u.totp_enabled, "
    "u.totp_secret, u.must_change_password, u.password_exempt, u.password_changed_at, "
    "(SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
    " WHERE ur.user_id = u.id AND r.duty IS NOT NULL AND r.active = 1) "
    "FROM users u WHERE u.username = ?";

constexpr const char* kCountFailure =
    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins";

constexpr const char* kLock = "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?";

constexpr const char* kRecordSuccess =
    "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?";

// The last TOTP step accepted per user. Kept in memory: a code replayed
// within its 90-second window against another server sharing the database is
// not caught (that would need the last step stored on users).
struct StepRegister {
  std::mutex mu;
  std::unordered_map<int64_t, int64_t> last;
};

StepRegister& AcceptedSteps() {
  static StepRegister r;
  return r;
}

struct Account {
  int64_t id = 0;
  std::string password_hash;
  bool active = false;
  bool is_service = false;
  std::optional<int64_t> locked_until;
  bool totp_enabled = false;
  std::string totp_secret;
  AccountState state;
};

std::optional<Account> FindAccount(db::Database& db, const std::string& username) {
  const auto row = db.Read([&](db::Conn& c) { return c.QueryOne(kSelectAccount, {username}); });
  if (!row) return std::nullopt;
  Account a;
  a.id = row->Int(0);
  a.password_hash = row->Str(1);
  a.active = row->Bool(2);
  a.is_service = row->Bool(3);
  a.locked_until = row->OptInt(4);
  a.totp_enabled = row->Bool(5);
  a.totp_secret = row->Str(6);
  a.state.must_change_password = row->Bool(7);
  a.state.password_exempt = row->Bool(8);
  a.state.password_changed_at = row->Int(9);
  a.state.is_admin = row->Int(10) > 0;
  a.state.totp_enabled = a.totp_enabled;
  return a;
}

ApiError InvalidCredentials() {
  return Unauthenticated("invalid_credentials", "用户名或密码错误 / wrong username or password");
}

ApiError AccountLocked(int64_t until) {
  boost::json::object details;
  details["locked_until"] = FormatRfc3339(until);
  return ApiError(423, "account_locked",
                  "登录失败次数过多，账号已临时锁定 / too many failed logins, account locked",
                  std::move(details));
}

boost::json::object Reason(std::string_view reason) {
  boost::json::object o;
  o["reason"] = reason;
  return o;
}

void AuditFailure(db::Database& db, const audit::Actor& actor, std::optional<int64_t> user_id,
                  std::string_view reason) {
  db.Write([&](db::Conn& c) {
    audit::Append(c, actor,
                  {"auth.login_failed", "user", user_id ? std::to_string(*user_id) : "", nullptr,
                   Reason(reason)});
  });
}

// Counts a failed attempt and locks the account when it was one too many;
// then throws 401, or 423 when this attempt locked it.
[[noreturn]] void Fail(db::Database& db, const Config& cfg, const audit::Actor& actor,
                       const Account& a, std::string_view reason) {
  const auto locked_until = db.Write([&](db::Conn& c) -> std::optional<int64_t> {
    audit::Append(c, actor,
                  {"auth.login_failed", "user", std::to_string(a.id), nullptr, Reason(reason)});
    const int64_t failures = c.QueryInt(kCountFailure, {a.id}).value_or(0);
    if (failures < cfg.lockout_attempts) return std::nullopt;

    const int64_t until = NowMs() + cfg.lockout_minutes * kMinuteMs;
    c.Exec(kLock, {until, a.id});
    boost::json::object after;
    after["locked_until"] = FormatRfc3339(until);
    after["failed_logins"] = failures;
    audit::Append(c, actor, {"auth.locked", "user", std::to_string(a.id), nullptr, after});
    return until;
  });
  if (locked_until) throw AccountLocked(*locked_until);
  throw InvalidCredentials();
}

void CheckTotp(db::Database& db, const Config& cfg, const audit::Actor& actor, const Account& a,
               const std::optional<std::string>& code) {
  if (!code || code->empty()) {
    throw Unauthenticated("totp_required",
                          "请输入动态验证码 / enter the code from your authenticator app");
  }
  const auto key = Base32Decode(a.totp_secret);
  const auto step = key ? MatchTotp(*key, *code, NowMs()) : std::nullopt;
  if (!step || !AcceptTotpStep(a.id, *step)) Fail(db, cfg, actor, a, "bad_totp");
}

LoginResult Succeed(db::Database& db, const Config& cfg, const audit::Actor& actor,
                    const Account& a, const LoginInput& in) {
  const std::string rehashed =
      PasswordNeedsRehash(a.password_hash) ? HashPassword(in.password) : std::string();

  LoginResult r;
  r.user_id = a.id;
  r.restriction = ComputeRestriction(cfg.password, a.state, NowMs());
  r.session = db.Write([&](db::Conn& c) {
    c.Exec(kRecordSuccess, {NowMs(), a.id});
    if (!rehashed.empty()) {
      c.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {rehashed, a.id});
    }
    NewSession s = CreateSession(c, cfg, a.id, r.restriction.any(), in.ip, in.user_agent);
    boost::json::object after;
    after["session_id"] = s.id;
    after["restricted"] = r.restriction.any();
    after["must_change_password"] = r.restriction.change_password;
    after["totp_enrollment_required"] = r.restriction.enroll_totp;
    audit::Append(c, actor, {"auth.login", "user", std::to_string(a.id), nullptr, after});
    return s;
  });
  return r;
}

}  // namespace

bool AcceptTotpStep(int64_t user_id, int64_t step) {
  std::lock_guard lk(AcceptedSteps().mu);
  auto [it, inserted] = AcceptedSteps().last.emplace(user_id, step);
  if (inserted) return true;
  if (step <= it->second) return false;
  it->second = step;
  return true;
}

void ForgetTotpStepsForTesting() {
  std::lock_guard lk(AcceptedSteps().mu);
  AcceptedSteps().last.clear();
}

LoginResult Login(db::Database& db, const Config& cfg, const LoginInput& in) {
  audit::Actor actor{std::nullopt, in.username.substr(0, kMaxAuditedUsername), in.ip,
                     in.request_id};

  const auto account = FindAccount(db, in.username);
  if (!account || !account->active || account->is_service) {
    VerifyPassword(in.password, account ? account->password_hash : "");  // same work either way
    AuditFailure(db, actor, account ? std::optional(account->id) : std::nullopt,
                 account ? "inactive" : "unknown_user");
    throw InvalidCredentials();
  }
  actor.user_id = account->id;

  if (account->locked_until && *account->locked_until > NowMs()) {
    AuditFailure(db, actor, account->id, "locked");
    throw AccountLocked(*account->locked_until);
  }
  if (!VerifyPassword(in.password, account->password_hash)) {
    Fail(db, cfg, actor, *account, "bad_password");
  }
  if (account->totp_enabled) CheckTotp(db, cfg, actor, *account, in.totp_code);
  return Succeed(db, cfg, actor, *account, in);
}

}  // namespace anxun::auth
