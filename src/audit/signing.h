// Ed25519 signatures over the head of the audit chain, with a key kept in the
// data folder and never in the database: whoever can rewrite the table (and
// re-compute every hash) still cannot sign the forged head.
//
// Files in the data folder:
//   audit-signing.key  the libsodium secret key (64 bytes) as hex, mode 0600
//   audit-signing.pub  the public key (32 bytes) as hex; verification needs only this
//   audit-heads.log    one signed head per line:
//                      {"seq":40,"hash":"<64 hex>","at":"<RFC 3339>","signature":"<base64>"}
//
// The signature covers HeadMessage(seq, hash, at): the Boost.JSON
// serialization of ["anxun.audit.head.v1", seq, hash, at], `at` exactly as
// written in the line. Losing or replacing the key makes every earlier head
// unverifiable: back the key up with the data folder, apart from the database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::audit {

inline constexpr std::string_view kKeyFileName = "audit-signing.key";
inline constexpr std::string_view kPublicKeyFileName = "audit-signing.pub";
inline constexpr std::string_view kHeadsLogName = "audit-heads.log";

struct SignedHead {
  int64_t seq = 0;
  std::string hash;       // hex, as in audit_log.hash
  std::string at;         // RFC 3339, when it was signed
  std::string signature;  // base64 of the 64-byte Ed25519 signature
};

std::string HeadMessage(int64_t seq, std::string_view hash, std::string_view at);

// The JSON line for `h`, without a newline.
std::string FormatHeadLine(const SignedHead& h);
// nullopt when `line` is not a well-formed head line (signature not checked).
std::optional<SignedHead> ParseHeadLine(std::string_view line);

// True when `h.signature` is a valid signature of its head by `public_key`
// (32 raw bytes).
bool VerifyHeadSignature(const SignedHead& h, std::string_view public_key);

// The raw public key from <data_dir>/audit-signing.pub; nullopt when the file
// is missing or does not hold 32 bytes of hex.
std::optional<std::string> LoadPublicKey(const std::filesystem::path& data_dir);

// The secret key, in memory for as long as the object lives (wiped on
// destruction). Move-only. Sign() is thread-safe.
class SigningKey {
 public:
  // Loads <data_dir>/audit-signing.key, creating the folder, the key (0600)
  // and audit-signing.pub on first use; tightens a key file readable by
  // others to 0600 with a warning. Throws std::runtime_error naming the file
  // when it cannot be read or written, is malformed, or when the .pub file
  // does not belong to the key.
  static SigningKey LoadOrCreate(const std::filesystem::path& data_dir);

  SigningKey(SigningKey&&) = default;
  SigningKey& operator=(SigningKey&&) = delete;
  ~SigningKey();

  // Signs `head` (seq, hash, at) and returns it with its signature filled in.
  SignedHead Sign(SignedHead head) const;
  const std::string& public_key() const { return public_; }

 private:
  SigningKey(std::string secret, std::string public_key)
      : secret_(std::move(secret)), public_(std::move(public_key)) {}

  std::string secret_;  // 64 bytes: seed and public key, as libsodium keeps it
  std::string public_;  // 32 bytes
};

}  // namespace anxun::audit
