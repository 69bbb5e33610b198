#include "org/multipart.h"

#include "common/error.h"

#include <gtest/gtest.h>

namespace anxun::org {
namespace {

constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string Body(std::initializer_list<std::string> parts) {
  std::string body;
  for (const auto& p : parts)
    body += "--" + std::string(kBoundary) + "\r\n" + p + "\r\n";
  return body + "--" + std::string(kBoundary) + "--\r\n";
}

std::string ErrorCode(std::string_view body) {
  try {
    ParseMultipart(body, kBoundary);
  } catch (const ApiError& e) {
    return e.code();
  }
  return "";
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; charset=utf-8; Boundary=\"a b:c\""), "a b:c");
  EXPECT_FALSE(MultipartBoundary("application/json"));
  EXPECT_FALSE(MultipartBoundary("multipart/form-data"));
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'x')));
}

TEST(Multipart, FileAndTextFields) {
  const std::string body = Body({
      "Content-Disposition: form-data; name=\"note\"\r\n\r\n储罐区",
      "Content-Disposition: form-data; name=\"file\"; filename=\"plan.png\"\r\n"
      "Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n--not-a-boundary\r\nend",
  });
  const auto parts = ParseMultipart(body, kBoundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "note");
  EXPECT_FALSE(parts[0].filename);
  EXPECT_EQ(parts[0].data, "储罐区");
  EXPECT_EQ(parts[1].name, "file");
  EXPECT_EQ(parts[1].filename, "plan.png");
  EXPECT_EQ(parts[1].content_type, "image/png");
  EXPECT_EQ(parts[1].data, "\x89PNG\r\n\x1a\n--not-a-boundary\r\nend");
}

TEST(Multipart, BinaryDataWithNulsAndEmptyParts) {
  const std::string data("\0\r\n\0\xff", 5);
  const auto parts = ParseMultipart(
      Body({"Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n" + data,
            "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"}),
      kBoundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].data, data);
  EXPECT_EQ(parts[1].data, "");
}

TEST(Multipart, QuotedAndExtendedFileNames) {
  auto parts = ParseMultipart(Body({"content-disposition: form-data; name=\"file\"; filename=\"a "
                                    "\\\"b\\\"; c.jpg\"\r\n\r\nx"}),
                              kBoundary);
  EXPECT_EQ(parts.at(0).filename, "a \"b\"; c.jpg");

  parts = ParseMultipart(Body({"Content-Disposition: form-data; name=file; filename=\"x.jpg\"; "
                               "filename*=UTF-8''%E5%B9%B3%E9%9D%A2%E5%9B%BE.jpg\r\n\r\nx"}),
                         kBoundary);
  EXPECT_EQ(parts.at(0).name, "file");
  EXPECT_EQ(parts.at(0).filename, "平面图.jpg");

  parts = ParseMultipart(Body({"Content-Disposition: form-data; name=\"file\"; "
                               "filename=\"C:\\fakepath\\a.jpg\"\r\n\r\nx"}),
                         kBoundary);
  EXPECT_EQ(parts.at(0).filename, "C:\\fakepath\\a.jpg") << "backslashes stay, to be refused later";
}

TEST(Multipart, PreambleAndEpilogueAreIgnored) {
  const std::string body =
      "preamble\r\n" + Body({"Content-Disposition: form-data; name=\"a\"\r\n\r\n1"}) + "epilogue";
  const auto parts = ParseMultipart(body, kBoundary);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].data, "1");
}

TEST(Multipart, MalformedBodiesAreRefused) {
  EXPECT_EQ(ErrorCode(""), "malformed_multipart");
  EXPECT_EQ(ErrorCode("no boundary here"), "malformed_multipart");
  const std::string open = "--" + std::string(kBoundary) + "\r\n";
  EXPECT_EQ(ErrorCode(open + "Content-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"),
            "malformed_multipart");
  EXPECT_EQ(ErrorCode(open + "Content-Disposition: form-data; name=\"a\"\r\nno blank line"),
            "malformed_multipart");
  EXPECT_EQ(ErrorCode(Body({"Content-Type: text/plain\r\n\r\nno disposition"})),
            "malformed_multipart");
  EXPECT_EQ(ErrorCode(Body({"Content-Disposition: attachment; name=\"a\"\r\n\r\nx"})),
            "malformed_multipart");
  EXPECT_EQ(ErrorCode("--" + std::string(kBoundary) + "junk"), "malformed_multipart");
}

TEST(Multipart, TooManyPartsAreRefused) {
  std::string body;
  for (int i = 0; i < 65; ++i) {
    body += "--" + std::string(kBoundary) +
            "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  }
  body += "--" + std::string(kBoundary) + "--";
  EXPECT_EQ(ErrorCode(body), "malformed_multipart");
}

}  // namespace
}  // namespace anxun::org
