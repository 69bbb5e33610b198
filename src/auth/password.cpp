#include "auth/password.h"

#include "common/clock.h"
#include "common/crypto.h"

#include <fmt/format.h>
#include <sodium.h>

#include <atomic>
#include <cctype>
#include <stdexcept>

namespace anxun::auth {
namespace {

std::atomic<bool> g_cheap_for_testing{false};

unsigned long long OpsLimit() {
  return g_cheap_for_testing ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

size_t MemLimit() {
  return g_cheap_for_testing ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

int CountClasses(std::string_view s) {
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    lower = lower || std::islower(c);
    upper = upper || std::isupper(c);
    digit = digit || std::isdigit(c);
    symbol = symbol || !std::isalnum(c);  // punctuation, space and any non-ASCII character
  }
  return lower + upper + digit + symbol;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Checks `password` against a hash of nothing, spending what a real check
// spends, so that a missing account looks like a wrong password.
void VerifyDummyPassword(std::string_view password) {
  static const std::string hash = HashPassword(RandomToken(16));
  VerifyPassword(password, hash);
}

}  // namespace

std::optional<std::string> CheckPasswordPolicy(const PasswordPolicy& policy,
                                               std::string_view username,
                                               std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return fmt::format("密码最长 {} 字节 / at most {} bytes", kMaxPasswordBytes, kMaxPasswordBytes);
  }
  if (CountCodePoints(password) < static_cast<size_t>(policy.min_length)) {
    return fmt::format("密码至少 {} 个字符 / at least {} characters", policy.min_length,
                       policy.min_length);
  }
  if (CountClasses(password) < policy.min_classes) {
    return fmt::format(
        "密码须包含小写字母、大写字母、数字、符号中的至少 {} 类 / use at least {} of: lower-case, "
        "upper-case, digits, symbols",
        policy.min_classes, policy.min_classes);
  }
  if (!username.empty() && Lower(password).find(Lower(username)) != std::string::npos) {
    return std::string("密码不能包含用户名 / must not contain the username");
  }
  return std::nullopt;
}

std::string HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), OpsLimit(), MemLimit()) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) {
    VerifyDummyPassword(password);  // the same work, so timing tells nothing
    return false;
  }
  const std::string terminated(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash) {
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), OpsLimit(), MemLimit()) != 0;
}

void UseCheapPasswordHashingForTesting(bool cheap) {
  g_cheap_for_testing = cheap;
}

Restriction ComputeRestriction(const PasswordPolicy& policy, const AccountState& account,
                               int64_t now_ms) {
  Restriction r;
  if (account.password_exempt) return r;

  const int max_age_days = account.is_admin ? policy.admin_max_age_days : policy.user_max_age_days;
  const bool expired =
      max_age_days > 0 && now_ms - account.password_changed_at > max_age_days * kDayMs;
  r.change_password = account.must_change_password || expired;
  r.enroll_totp = account.is_admin && !account.totp_enabled;
  return r;
}

}  // namespace anxun::auth
