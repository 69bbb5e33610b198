#include "org/qr.h"

#include "common/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

namespace anxun::org {
namespace {

class QrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("anxun-qr-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Draws the dark runs of a QrSvg() path ("M{x} {y}h{w}v1h-{w}z") into a
  // grey-scale image, `scale` pixels per module, and writes it as binary PGM.
  std::filesystem::path RasterizeSvg(const std::string& svg, int scale = 6) {
    std::smatch view;
    EXPECT_TRUE(std::regex_search(svg, view, std::regex(R"re(viewBox="0 0 (\d+) (\d+)")re")));
    const int modules = std::stoi(view[1]);
    const int side = modules * scale;
    std::string pixels(static_cast<size_t>(side) * side, '\xff');

    const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-\d+z)");
    for (std::sregex_iterator it(svg.begin(), svg.end(), run), end; it != end; ++it) {
      const int x0 = std::stoi((*it)[1]), y0 = std::stoi((*it)[2]), w = std::stoi((*it)[3]);
      for (int y = y0 * scale; y < (y0 + 1) * scale; ++y) {
        for (int x = x0 * scale; x < (x0 + w) * scale; ++x)
          pixels[y * side + x] = '\0';
      }
    }
    const auto file = dir_ / "qr.pgm";
    std::ofstream(file, std::ios::binary) << "P5\n" << side << " " << side << "\n255\n" << pixels;
    return file;
  }

  // What zbarimg decodes from `image`, or nullopt when zbarimg is missing.
  static std::optional<std::string> Zbar(const std::filesystem::path& image) {
    if (std::system("command -v zbarimg > /dev/null 2>&1") != 0) return std::nullopt;
    const std::string cmd = "zbarimg --quiet --raw --nodbus '" + image.string() + "' 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    std::string out;
    char buf[256];
    while (size_t n = fread(buf, 1, sizeof buf, pipe))
      out.append(buf, n);
    pclose(pipe);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
      out.pop_back();
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(QrTest, KeyIsCreatedPrivateOnceAndReused) {
  const std::string key = LoadQrKey(dir_);
  EXPECT_EQ(key.size(), 32u);
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "qr-signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(LoadQrKey(dir_), key);
  EXPECT_EQ(std::filesystem::file_size(dir_ / "qr-signing.key"), 32u);
}

TEST_F(QrTest, PayloadHasTheDocumentedShape) {
  const std::string payload = SignPointCode(std::string(32, 'k'), "HG1-TF-01");
  EXPECT_TRUE(std::regex_match(payload, std::regex(R"(AX1:HG1-TF-01:[A-Za-z0-9_-]{22})")))
      << payload;
}

TEST_F(QrTest, VerifyAcceptsOnlyUntamperedPayloads) {
  const std::string key = LoadQrKey(dir_);
  const std::string payload = SignPointCode(key, "HG1-TF-01");
  EXPECT_EQ(VerifyPointPayload(key, payload), "HG1-TF-01");

  std::string other_code = payload;
  other_code.replace(4, 9, "HG1-TF-02");
  EXPECT_FALSE(VerifyPointPayload(key, other_code));
  std::string flipped = payload;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPointPayload(key, flipped));
  EXPECT_FALSE(VerifyPointPayload(std::string(32, 'x'), payload));
  EXPECT_FALSE(VerifyPointPayload(key, "AX2" + payload.substr(3)));
  EXPECT_FALSE(VerifyPointPayload(key, "HG1-TF-01"));
  EXPECT_FALSE(VerifyPointPayload(key, ""));
}

TEST_F(QrTest, ZbarDecodesTheRenderedSvg) {
  const std::string key = LoadQrKey(dir_);
  const std::string payload = SignPointCode(key, "HG1-RX-11");
  const std::string svg = QrSvg(EncodeQr(payload));
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));

  auto decoded = Zbar(RasterizeSvg(svg));
  if (!decoded) GTEST_SKIP() << "zbarimg is not installed";
  EXPECT_EQ(*decoded, payload);
  EXPECT_EQ(VerifyPointPayload(key, *decoded), "HG1-RX-11");
}

TEST_F(QrTest, SvgHasAQuietZoneOfFourModules) {
  const QrMatrix m = EncodeQr("AX1:A:0123456789012345678901");
  const std::string svg = QrSvg(m, "30mm");
  const int full = m.size + 2 * kQrQuietZone;
  EXPECT_NE(svg.find("viewBox=\"0 0 " + std::to_string(full) + " " + std::to_string(full) + "\""),
            std::string::npos);
  EXPECT_NE(svg.find("width=\"30mm\""), std::string::npos);
  EXPECT_NE(svg.find("M4 4h7"), std::string::npos) << "the finder pattern starts at the quiet zone";
}

}  // namespace
}  // namespace anxun::org
