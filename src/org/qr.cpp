#include "org/qr.h"

#include "common/crypto.h"
#include "org/fields.h"

#include <fcntl.h>
#include <qrencode.h>
#include <sodium.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace anxun::org {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kMacBytes = 16;
constexpr const char* kKeyFile = "qr-signing.key";

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Mac(std::string_view key, std::string_view code) {
  const std::string signed_text = std::string(kQrPayloadPrefix) + std::string(code);
  return Base64Url(HmacSha256(key, signed_text).substr(0, kMacBytes));
}

std::string ReadKeyFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) throw std::runtime_error("cannot read " + file.string());
  if (key.size() != kKeyBytes) {
    throw std::runtime_error(
        fmt::format("{}: expected {} bytes, found {}", file.string(), kKeyBytes, key.size()));
  }
  return key;
}

// Writes a fresh key to a private temporary file and links it into place;
// link() fails with EEXIST when another process won the race, and then its
// key is the one read back.
void CreateKeyFile(const std::filesystem::path& file) {
  std::filesystem::create_directories(file.parent_path());
  const std::string tmp = file.string() + ".tmp." + HexEncode(RandomBytes(6));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));

  const std::string key = RandomBytes(kKeyBytes);
  const bool written =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  const bool linked = written && (::link(tmp.c_str(), file.c_str()) == 0 || errno == EEXIST);
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!linked) {
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(link_errno));
  }
}

}  // namespace

std::string LoadQrKey(const std::filesystem::path& data_dir) {
  static std::mutex mu;
  static std::map<std::string, std::string> cache;
  const std::filesystem::path file = data_dir / kKeyFile;

  std::lock_guard lock(mu);
  if (auto it = cache.find(file.string()); it != cache.end()) return it->second;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) CreateKeyFile(file);
  std::string key = ReadKeyFile(file);
  cache.emplace(file.string(), key);
  return key;
}

std::string SignPointCode(std::string_view key, std::string_view code) {
  return fmt::format("{}{}:{}", kQrPayloadPrefix, code, Mac(key, code));
}

std::optional<std::string> VerifyPointPayload(std::string_view key, std::string_view payload) {
  if (!payload.starts_with(kQrPayloadPrefix)) return std::nullopt;
  payload.remove_prefix(kQrPayloadPrefix.size());
  const size_t colon = payload.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;

  const std::string_view code = payload.substr(0, colon);
  const std::string_view mac = payload.substr(colon + 1);
  if (!IsValidCode(code)) return std::nullopt;
  if (!ConstantTimeEquals(mac, Mac(key, code))) return std::nullopt;
  return std::string(code);
}

QrMatrix EncodeQr(std::string_view text) {
  const std::string owned(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(owned.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) throw std::runtime_error("QR encoding failed: text too long");

  QrMatrix m;
  m.size = code->width;
  m.dark.resize(static_cast<size_t>(m.size) * m.size);
  for (size_t i = 0; i < m.dark.size(); ++i)
    m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

std::string QrSvg(const QrMatrix& m, std::string_view css_size) {
  const int full = m.size + 2 * kQrQuietZone;
  std::string path;
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size;) {
      if (!m.At(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < m.size && m.At(x, y))
        ++x;
      path += fmt::format("M{} {}h{}v1h-{}z", start + kQrQuietZone, y + kQrQuietZone, x - start,
                          x - start);
    }
  }

  const std::string size =
      css_size.empty() ? std::string() : fmt::format(R"( width="{0}" height="{0}")", css_size);
  return fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}"{1} )"
                     R"(shape-rendering="crispEdges"><rect width="{0}" height="{0}" fill="#fff"/>)"
                     R"(<path fill="#000" d="{2}"/></svg>)",
                     full, size, path);
}

}  // namespace anxun::org
