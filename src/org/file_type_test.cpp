#include "org/file_type.h"

#include "common/error.h"
#include "org/files.h"

#include <gtest/gtest.h>

namespace anxun::org {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values)
    out.push_back(static_cast<char>(v));
  return out;
}

// SOI, an APP0 segment, then SOF0 with the given size.
std::string Jpeg(int width, int height) {
  return Bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}) + "JFIF" + std::string(10, '\0') +
         Bytes({0xFF, 0xC0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255,
                0x03}) +
         std::string(12, '\0') + Bytes({0xFF, 0xD9});
}

std::string Png(uint32_t width, uint32_t height) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + Bytes({0, 0, 0, 13}) + "IHDR" +
         Bytes({static_cast<int>(width >> 24), static_cast<int>((width >> 16) & 255),
                static_cast<int>((width >> 8) & 255), static_cast<int>(width & 255),
                static_cast<int>(height >> 24), static_cast<int>((height >> 16) & 255),
                static_cast<int>((height >> 8) & 255), static_cast<int>(height & 255)}) +
         Bytes({8, 6, 0, 0, 0}) + std::string(4, '\0');
}

std::string Riff(std::string chunk, std::string payload) {
  return "RIFF" + Bytes({0x40, 0, 0, 0}) + "WEBP" + chunk + Bytes({0x20, 0, 0, 0}) + payload +
         std::string(16, '\0');
}

std::string ErrorCode(std::string_view bytes) {
  try {
    CheckUpload(bytes);
  } catch (const ApiError& e) {
    return e.code();
  }
  return "";
}

TEST(FileType, JpegSizeComesFromTheFrameHeader) {
  auto t = SniffFileType(Jpeg(1600, 1000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->content_type, "image/jpeg");
  EXPECT_EQ(t->size->width, 1600);
  EXPECT_EQ(t->size->height, 1000);
}

TEST(FileType, PngSizeComesFromIhdr) {
  auto t = SniffFileType(Png(800, 600));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->content_type, "image/png");
  EXPECT_EQ(t->size->width, 800);
  EXPECT_EQ(t->size->height, 600);
}

TEST(FileType, WebpInItsThreeFlavours) {
  // Lossy: frame tag (3 bytes), start code, 14-bit width and height.
  auto lossy =
      SniffFileType(Riff("VP8 ", Bytes({0, 0, 0, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01})));
  ASSERT_TRUE(lossy);
  EXPECT_EQ(lossy->content_type, "image/webp");
  EXPECT_EQ(lossy->size->width, 640);
  EXPECT_EQ(lossy->size->height, 480);

  // Lossless: 0x2F, then width-1 and height-1 in 14 bits each (99 and 49).
  const uint32_t bits = 99 | (49u << 14);
  auto lossless = SniffFileType(
      Riff("VP8L", Bytes({0x2F, static_cast<int>(bits & 255), static_cast<int>((bits >> 8) & 255),
                          static_cast<int>((bits >> 16) & 255), static_cast<int>(bits >> 24)})));
  ASSERT_TRUE(lossless);
  EXPECT_EQ(lossless->size->width, 100);
  EXPECT_EQ(lossless->size->height, 50);

  // Extended: flags, 3 reserved bytes, 24-bit width-1 and height-1.
  auto extended = SniffFileType(Riff("VP8X", Bytes({0, 0, 0, 0, 0x3F, 0x06, 0, 0xE7, 0x03, 0})));
  ASSERT_TRUE(extended);
  EXPECT_EQ(extended->size->width, 1600);
  EXPECT_EQ(extended->size->height, 1000);
}

TEST(FileType, PdfAndMp4) {
  auto pdf = SniffFileType("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj");
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->content_type, "application/pdf");
  EXPECT_EQ(pdf->max_bytes, kMaxPdfBytes);

  auto mp4 = SniffFileType(Bytes({0, 0, 0, 0x20}) + "ftypisom" + std::string(20, '\0'));
  ASSERT_TRUE(mp4);
  EXPECT_EQ(mp4->content_type, "video/mp4");
  EXPECT_EQ(mp4->max_bytes, kMaxVideoBytes);

  EXPECT_FALSE(SniffFileType(Bytes({0, 0, 0, 0x18}) + "ftypheic" + std::string(12, '\0')))
      << "HEIC is an image container we do not accept";
}

TEST(FileType, TextRenamedToJpegIsRefused) {
  EXPECT_EQ(ErrorCode("这不是图片 / this is a text file called photo.jpg\n"),
            "unsupported_file_type");
}

TEST(FileType, SvgAndHtmlAreRefused) {
  EXPECT_EQ(ErrorCode("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            "unsupported_file_type");
  EXPECT_EQ(ErrorCode("<?xml version=\"1.0\"?><svg/>"), "unsupported_file_type");
  EXPECT_EQ(ErrorCode("<!DOCTYPE html><html></html>"), "unsupported_file_type");
}

TEST(FileType, TruncatedImageHeadersAreRefused) {
  EXPECT_EQ(ErrorCode(Bytes({0xFF, 0xD8, 0xFF, 0xE0})), "unsupported_file_type");
  EXPECT_EQ(ErrorCode(Png(800, 600).substr(0, 20)), "unsupported_file_type");
  EXPECT_EQ(ErrorCode(Png(0, 600)), "unsupported_file_type");
}

TEST(FileType, HugeDimensionsAreRefused) {
  EXPECT_EQ(ErrorCode(Png(12000, 12000)), "");
  EXPECT_EQ(ErrorCode(Png(12001, 10)), "image_too_large");
  EXPECT_EQ(ErrorCode(Jpeg(100, 40000)), "image_too_large");
}

TEST(FileType, SizeLimitsPerType) {
  std::string big = Png(10, 10);
  big.resize(kMaxImageBytes + 1, '\0');
  EXPECT_EQ(ErrorCode(big), "file_too_large");
  std::string pdf = "%PDF-1.4\n";
  pdf.resize(kMaxPdfBytes, ' ');
  EXPECT_EQ(ErrorCode(pdf), "");
}

TEST(FileNames, PathsAreRefused) {
  EXPECT_TRUE(IsSafeFileName("平面图 v2.png"));
  EXPECT_TRUE(IsSafeFileName("a.b.jpg"));
  EXPECT_FALSE(IsSafeFileName("../etc/passwd"));
  EXPECT_FALSE(IsSafeFileName("dir/a.jpg"));
  EXPECT_FALSE(IsSafeFileName("C:\\fakepath\\a.jpg"));
  EXPECT_FALSE(IsSafeFileName("a..jpg"));
  EXPECT_FALSE(IsSafeFileName("a\nb.jpg"));
  EXPECT_FALSE(IsSafeFileName(""));
  EXPECT_FALSE(IsSafeFileName(std::string(256, 'a')));
}

}  // namespace
}  // namespace anxun::org
