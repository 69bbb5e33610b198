#include "org/file_type.h"

#include "common/error.h"

#include <fmt/format.h>

namespace anxun::org {
namespace {

uint32_t Byte(std::string_view b, size_t i) {
  return static_cast<unsigned char>(b[i]);
}
uint32_t Be16(std::string_view b, size_t i) {
  return Byte(b, i) << 8 | Byte(b, i + 1);
}
uint32_t Be32(std::string_view b, size_t i) {
  return Be16(b, i) << 16 | Be16(b, i + 2);
}
uint32_t Le16(std::string_view b, size_t i) {
  return Byte(b, i) | Byte(b, i + 1) << 8;
}
uint32_t Le24(std::string_view b, size_t i) {
  return Le16(b, i) | Byte(b, i + 2) << 16;
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
bool IsStartOfFrame(uint32_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// ISO base media brands that are still images, not video.
bool IsImageBrand(std::string_view brand) {
  return brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1" ||
         brand == "avif" || brand == "avis" || brand == "hevc" || brand == "heim";
}

std::optional<ImageSize> Positive(uint32_t w, uint32_t h) {
  if (w == 0 || h == 0) return std::nullopt;
  return ImageSize{static_cast<int>(w), static_cast<int>(h)};
}

FileType Image(std::string content_type, std::optional<ImageSize> size) {
  return FileType{std::move(content_type), FileKind::kImage, kMaxImageBytes, size};
}

}  // namespace

std::optional<ImageSize> JpegSize(std::string_view b) {
  if (b.size() < 4 || Byte(b, 0) != 0xFF || Byte(b, 1) != 0xD8) return std::nullopt;
  size_t pos = 2;
  while (pos + 4 <= b.size()) {
    if (Byte(b, pos) != 0xFF) return std::nullopt;
    const uint32_t marker = Byte(b, pos + 1);
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      pos += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // image data before any frame
    const uint32_t length = Be16(b, pos + 2);
    if (length < 2) return std::nullopt;
    if (IsStartOfFrame(marker)) {
      if (pos + 9 > b.size()) return std::nullopt;
      return Positive(Be16(b, pos + 7), Be16(b, pos + 5));
    }
    pos += 2 + length;
  }
  return std::nullopt;
}

std::optional<ImageSize> PngSize(std::string_view b) {
  static constexpr std::string_view kMagic("\x89PNG\r\n\x1a\n", 8);
  if (b.size() < 24 || b.substr(0, 8) != kMagic || b.substr(12, 4) != "IHDR") return std::nullopt;
  const uint32_t w = Be32(b, 16), h = Be32(b, 20);
  if (w > 0x7FFFFFFF || h > 0x7FFFFFFF) return std::nullopt;
  return Positive(w, h);
}

std::optional<ImageSize> WebpSize(std::string_view b) {
  if (b.size() < 30 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WEBP") return std::nullopt;
  const std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8 ") {  // lossy: frame tag, start code 9D 01 2A, 14-bit sizes
    if (Byte(b, 23) != 0x9D || Byte(b, 24) != 0x01 || Byte(b, 25) != 0x2A) return std::nullopt;
    return Positive(Le16(b, 26) & 0x3FFF, Le16(b, 28) & 0x3FFF);
  }
  if (chunk == "VP8L") {  // lossless: signature 2F, then 14 + 14 bits of size - 1
    if (Byte(b, 20) != 0x2F) return std::nullopt;
    const uint32_t bits = Byte(b, 21) | Byte(b, 22) << 8 | Byte(b, 23) << 16 | Byte(b, 24) << 24;
    return Positive((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (chunk == "VP8X") {  // extended: 24-bit canvas size - 1
    return Positive(Le24(b, 24) + 1, Le24(b, 27) + 1);
  }
  return std::nullopt;
}

std::optional<FileType> SniffFileType(std::string_view b) {
  if (b.starts_with("\xFF\xD8\xFF")) {
    auto size = JpegSize(b);
    if (!size) return std::nullopt;
    return Image("image/jpeg", size);
  }
  if (b.starts_with("\x89PNG")) {
    auto size = PngSize(b);
    if (!size) return std::nullopt;
    return Image("image/png", size);
  }
  if (b.starts_with("RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") {
    auto size = WebpSize(b);
    if (!size) return std::nullopt;
    return Image("image/webp", size);
  }
  if (b.starts_with("%PDF-")) return FileType{"application/pdf", FileKind::kPdf, kMaxPdfBytes, {}};
  if (b.size() >= 12 && b.substr(4, 4) == "ftyp" && !IsImageBrand(b.substr(8, 4))) {
    return FileType{"video/mp4", FileKind::kVideo, kMaxVideoBytes, {}};
  }
  return std::nullopt;
}

FileType CheckUpload(std::string_view bytes) {
  auto type = SniffFileType(bytes);
  if (!type) {
    throw BadRequest("unsupported_file_type",
                     "只支持 JPEG、PNG、WebP 图片，PDF 和 MP4 / only JPEG, PNG, WebP, PDF and MP4 "
                     "files are accepted");
  }
  if (static_cast<int64_t>(bytes.size()) > type->max_bytes) {
    throw ApiError(413, "file_too_large",
                   fmt::format("文件超过 {} MiB / the file exceeds {} MiB", type->max_bytes / kMiB,
                               type->max_bytes / kMiB),
                   {{"max_bytes", type->max_bytes}});
  }
  if (type->size && (type->size->width > kMaxImageSide || type->size->height > kMaxImageSide)) {
    throw BadRequest("image_too_large",
                     fmt::format("图片边长不能超过 {} 像素 / an image side may not exceed {} px",
                                 kMaxImageSide, kMaxImageSide));
  }
  return *type;
}

}  // namespace anxun::org
