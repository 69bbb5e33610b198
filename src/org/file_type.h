// What an uploaded file really is, judged from its bytes, never from its name
// or the Content-Type the client claims.
//
// Accepted: JPEG, PNG, WebP (with their pixel size), PDF and MP4. Everything
// else is refused, SVG included: it can carry script.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::org {

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kMaxImageBytes = 20 * kMiB;
constexpr int64_t kMaxPdfBytes = 20 * kMiB;
constexpr int64_t kMaxVideoBytes = 200 * kMiB;  // the server's upload limit may be lower
constexpr int kMaxImageSide = 12000;

enum class FileKind { kImage, kPdf, kVideo };

struct ImageSize {
  int width = 0;
  int height = 0;
};

struct FileType {
  std::string content_type;  // "image/jpeg", "application/pdf", "video/mp4" ...
  FileKind kind = FileKind::kImage;
  int64_t max_bytes = 0;
  std::optional<ImageSize> size;  // images only
};

// The type recognised from the leading bytes, with the pixel size of images;
// nullopt for an unknown type or an image whose header cannot be read.
std::optional<FileType> SniffFileType(std::string_view bytes);

// Header parsers; nullopt when the bytes are not a readable header.
std::optional<ImageSize> JpegSize(std::string_view bytes);
std::optional<ImageSize> PngSize(std::string_view bytes);
std::optional<ImageSize> WebpSize(std::string_view bytes);

// Sniffs and applies the limits of an upload. Throws 400
// `unsupported_file_type`, 413 `file_too_large` or 400 `image_too_large`
// (a side over kMaxImageSide pixels).
FileType CheckUpload(std::string_view bytes);

}  // namespace anxun::org
