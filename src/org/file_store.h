// The content-addressed attachment store: <data_dir>/files/<aa>/<sha256>,
// where <aa> is the first two hex digits. Outside the web root by design;
// bytes are only ever served through GET /api/v1/files/{id}, which checks
// access.
//
// Thread-safe: writers use distinct temporary names and rename() is atomic,
// so two uploads of the same bytes simply end with one copy.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::org {

class FileStore {
 public:
  explicit FileStore(const std::filesystem::path& data_dir);

  // Stores `bytes` unless an equal copy exists and returns their SHA-256
  // (lower-case hex). The data is durable when this returns: written to a
  // temporary file, fsync'ed, renamed into place, directory fsync'ed.
  // Throws std::runtime_error on an I/O failure.
  std::string Put(std::string_view bytes) const;

  // The path for a digest. REQUIRES: `sha256` is 64 lower-case hex digits.
  std::filesystem::path PathOf(std::string_view sha256) const;

  // The stored bytes, or nullopt when absent or `sha256` is malformed.
  std::optional<std::string> Read(std::string_view sha256) const;

 private:
  std::filesystem::path root_;
};

}  // namespace anxun::org
