#include "org/file_store.h"

#include "common/crypto.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace anxun::org {
namespace {

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& p) {
  throw std::runtime_error("file store: " + what + " " + p.string() + ": " + std::strerror(errno));
}

void WriteAll(int fd, std::string_view bytes, const std::filesystem::path& p) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Fail("cannot write", p);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) Fail("cannot sync", dir);
}

bool HasSize(const std::filesystem::path& p, size_t size) {
  std::error_code ec;
  const auto found = std::filesystem::file_size(p, ec);
  return !ec && found == size;
}

}  // namespace

FileStore::FileStore(const std::filesystem::path& data_dir) : root_(data_dir / "files") {}

std::filesystem::path FileStore::PathOf(std::string_view sha256) const {
  return root_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

std::string FileStore::Put(std::string_view bytes) const {
  const std::string sha = Sha256Hex(bytes);
  const std::filesystem::path target = PathOf(sha);
  if (HasSize(target, bytes.size())) return sha;

  const std::filesystem::path tmp_dir = root_ / "tmp";
  std::filesystem::create_directories(tmp_dir);
  const bool new_shard = std::filesystem::create_directories(target.parent_path());
  const std::filesystem::path tmp = tmp_dir / (sha + "." + HexEncode(RandomBytes(6)));

  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) Fail("cannot create", tmp);
  try {
    WriteAll(fd, bytes, tmp);
    if (::fsync(fd) != 0) Fail("cannot sync", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);

  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    ::unlink(tmp.c_str());
    Fail("cannot rename into", target);
  }
  SyncDirectory(target.parent_path());
  if (new_shard) SyncDirectory(root_);
  return sha;
}

std::optional<std::string> FileStore::Read(std::string_view sha256) const {
  if (!IsSha256Hex(sha256)) return std::nullopt;
  std::ifstream in(PathOf(sha256), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace anxun::org
