#include "audit/signing.h"

#include "common/crypto.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace anxun::audit {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHeadVersion = "anxun.audit.head.v1";

std::runtime_error FileError(const fs::path& p, std::string_view what) {
  return std::runtime_error(
      fmt::format("audit: {}: {} ({})", p.string(), what, std::strerror(errno)));
}

std::optional<std::string> ReadSmallFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Writes `content` to a new file `p` with `mode`, durably: a temporary file,
// fsync, then link() so that a file already there (another process won the
// race) is kept and a crash never leaves half a key behind. False when `p`
// already existed.
bool CreateFileOnce(const fs::path& p, std::string_view content, mode_t mode) {
  const fs::path tmp = p.string() + fmt::format(".tmp{}", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw FileError(tmp, "cannot create");
  const bool written =
      ::fchmod(fd, mode) == 0 &&
      ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    throw FileError(tmp, "cannot write");
  }

  const int linked = ::link(tmp.c_str(), p.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) return true;
  errno = link_errno;
  if (errno == EEXIST) return false;
  throw FileError(p, "cannot create");
}

void TightenPermissions(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
  spdlog::warn("audit: {} was readable by others; setting it to 0600", p.string());
  if (::chmod(p.c_str(), 0600) != 0) throw FileError(p, "cannot chmod 0600");
}

std::string NewSecretKey(const fs::path& key_path) {
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0'), sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                      reinterpret_cast<unsigned char*>(sk.data()));
  std::string hex = HexEncode(sk) + "\n";
  sodium_memzero(sk.data(), sk.size());
  if (CreateFileOnce(key_path, hex, 0600)) {
    spdlog::info("audit: created signing key {} (public key {})", key_path.string(), HexEncode(pk));
  }
  sodium_memzero(hex.data(), hex.size());
  auto text = ReadSmallFile(key_path);
  if (!text) throw FileError(key_path, "cannot read");
  return *text;
}

}  // namespace

std::string HeadMessage(int64_t seq, std::string_view hash, std::string_view at) {
  boost::json::array a{kHeadVersion, seq, hash, at};
  return boost::json::serialize(a);
}

std::string FormatHeadLine(const SignedHead& h) {
  boost::json::object o;
  o["seq"] = h.seq;
  o["hash"] = h.hash;
  o["at"] = h.at;
  o["signature"] = h.signature;
  return boost::json::serialize(o);
}

std::optional<SignedHead> ParseHeadLine(std::string_view line) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* seq = o.if_contains("seq");
  const auto* hash = o.if_contains("hash");
  const auto* at = o.if_contains("at");
  const auto* sig = o.if_contains("signature");
  if (!seq || !seq->is_int64() || !hash || !hash->is_string() || !at || !at->is_string() || !sig ||
      !sig->is_string()) {
    return std::nullopt;
  }
  return SignedHead{seq->as_int64(), std::string(hash->as_string()), std::string(at->as_string()),
                    std::string(sig->as_string())};
}

bool VerifyHeadSignature(const SignedHead& h, std::string_view public_key) {
  const auto sig = Base64Decode(h.signature);
  if (!sig || sig->size() != crypto_sign_BYTES || public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return false;
  }
  const std::string message = HeadMessage(h.seq, h.hash, h.at);
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(sig->data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

std::optional<std::string> LoadPublicKey(const fs::path& data_dir) {
  const auto text = ReadSmallFile(data_dir / kPublicKeyFileName);
  if (!text) return std::nullopt;
  auto key = HexDecode(*text);
  if (!key || key->size() != crypto_sign_PUBLICKEYBYTES) return std::nullopt;
  return key;
}

SigningKey SigningKey::LoadOrCreate(const fs::path& data_dir) {
  InitCrypto();
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  const fs::path key_path = data_dir / kKeyFileName;
  const fs::path pub_path = data_dir / kPublicKeyFileName;

  auto text = ReadSmallFile(key_path);
  if (!text && fs::exists(key_path)) throw FileError(key_path, "cannot read");
  if (!text) text = NewSecretKey(key_path);
  TightenPermissions(key_path);
  auto secret = HexDecode(*text);
  sodium_memzero(text->data(), text->size());
  if (!secret || secret->size() != crypto_sign_SECRETKEYBYTES) {
    throw std::runtime_error(
        fmt::format("audit: {} does not hold an Ed25519 secret key in hex", key_path.string()));
  }

  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(pk.data()),
                               reinterpret_cast<const unsigned char*>(secret->data()));
  if (!fs::exists(pub_path)) CreateFileOnce(pub_path, HexEncode(pk) + "\n", 0644);
  if (LoadPublicKey(data_dir) != pk) {
    throw std::runtime_error(
        fmt::format("audit: {} does not belong to {}", pub_path.string(), key_path.string()));
  }
  return SigningKey(std::move(*secret), std::move(pk));
}

SigningKey::~SigningKey() {
  if (!secret_.empty()) sodium_memzero(secret_.data(), secret_.size());
}

SignedHead SigningKey::Sign(SignedHead head) const {
  const std::string message = HeadMessage(head.seq, head.hash, head.at);
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_.data()));
  head.signature = Base64Encode(sig);
  return head;
}

}  // namespace anxun::audit
