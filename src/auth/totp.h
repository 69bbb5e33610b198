// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1,
// 30-second steps, 6 digits — what every authenticator app speaks. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::auth {

constexpr int64_t kTotpStepSeconds = 30;
constexpr int kTotpDigits = 6;

// The HOTP value of `key` (raw bytes) at `counter`, zero-padded to `digits`.
std::string HotpCode(std::string_view key, uint64_t counter, int digits = kTotpDigits);

// The TOTP value of `key` at `unix_seconds`.
std::string TotpCode(std::string_view key, int64_t unix_seconds, int digits = kTotpDigits);

// The time step whose code equals `code`, looking one step either side of
// `now_ms` for clock drift; nullopt when none matches. `code` must be exactly
// six digits (spaces are ignored); the comparison is constant-time.
std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t now_ms);

// A fresh 160-bit secret, base32 (as authenticator apps and users type it).
std::string NewTotpSecret();

// "otpauth://totp/anxun:<username>?secret=...&issuer=anxun&..." for the QR code.
std::string OtpauthUri(std::string_view username, std::string_view secret_base32);

}  // namespace anxun::auth
