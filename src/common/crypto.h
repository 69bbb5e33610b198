// Small cryptographic helpers over libsodium: randomness, SHA-256, encodings,
// constant-time comparison. All functions are thread-safe once InitCrypto() ran.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace anxun {

// Initialises libsodium; call once at start (idempotent). Throws on failure.
void InitCrypto();

std::string RandomBytes(size_t n);

// `n` random bytes as URL-safe base64 without padding (token material).
std::string RandomToken(size_t n = 32);

// Lower-case hex of SHA-256 over `data`.
std::string Sha256Hex(std::string_view data);

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);

std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

// RFC 4648 base32 without padding, as authenticator apps expect for TOTP.
std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);

// HMAC-SHA256 and HMAC-SHA1 (raw digests).
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);

bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace anxun
