#include "auth/totp.h"

#include "common/crypto.h"

#include <fmt/format.h>

#include <cctype>

namespace anxun::auth {
namespace {

constexpr size_t kSecretBytes = 20;

uint32_t Pow10(int digits) {
  uint32_t p = 1;
  for (int i = 0; i < digits; ++i)
    p *= 10;
  return p;
}

// Letters, digits and the few marks an otpauth label may carry unescaped.
std::string UriEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string HotpCode(std::string_view key, uint64_t counter, int digits) {
  std::string message(8, '\0');
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<char>(counter & 0xff);
    counter >>= 8;
  }
  const std::string mac = HmacSha1(key, message);

  // Dynamic truncation (RFC 4226, section 5.3).
  const int offset = static_cast<unsigned char>(mac.back()) & 0x0f;
  const uint32_t binary =
      (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
      (static_cast<uint32_t>(static_cast<unsigned char>(mac[offset + 1])) << 16) |
      (static_cast<uint32_t>(static_cast<unsigned char>(mac[offset + 2])) << 8) |
      static_cast<uint32_t>(static_cast<unsigned char>(mac[offset + 3]));
  return fmt::format("{:0{}}", binary % Pow10(digits), digits);
}

std::string TotpCode(std::string_view key, int64_t unix_seconds, int digits) {
  return HotpCode(key, static_cast<uint64_t>(unix_seconds / kTotpStepSeconds), digits);
}

std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t now_ms) {
  std::string digits;
  for (char ch : code) {
    if (ch == ' ') continue;
    if (ch < '0' || ch > '9') return std::nullopt;
    digits.push_back(ch);
  }
  if (digits.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;

  const int64_t step = now_ms / 1000 / kTotpStepSeconds;
  for (int64_t s : {step, step - 1, step + 1}) {
    if (s < 0) continue;
    if (ConstantTimeEquals(HotpCode(key, static_cast<uint64_t>(s)), digits)) return s;
  }
  return std::nullopt;
}

std::string NewTotpSecret() {
  return Base32Encode(RandomBytes(kSecretBytes));
}

std::string OtpauthUri(std::string_view username, std::string_view secret_base32) {
  return fmt::format(
      "otpauth://totp/anxun:{}?secret={}&issuer=anxun&algorithm=SHA1&digits={}&period={}",
      UriEscape(username), secret_base32, kTotpDigits, kTotpStepSeconds);
}

}  // namespace anxun::auth
