#include "auth/totp.h"
#include "auth/login.h"
#include "auth/qr_svg.h"

#include "common/crypto.h"

#include <gtest/gtest.h>

namespace anxun::auth {
namespace {

constexpr std::string_view kRfcSeed = "12345678901234567890";  // RFC 6238 appendix B, SHA-1

TEST(Totp, MatchesRfc6238Vectors) {
  EXPECT_EQ(TotpCode(kRfcSeed, 59, 8), "94287082");
  EXPECT_EQ(TotpCode(kRfcSeed, 1111111109, 8), "07081804");
  EXPECT_EQ(TotpCode(kRfcSeed, 1111111111, 8), "14050471");
  EXPECT_EQ(TotpCode(kRfcSeed, 1234567890, 8), "89005924");
  EXPECT_EQ(TotpCode(kRfcSeed, 2000000000, 8), "69279037");
  EXPECT_EQ(TotpCode(kRfcSeed, 20000000000, 8), "65353130");
}

TEST(Totp, SixDigitsAreTheLastSix) {
  EXPECT_EQ(TotpCode(kRfcSeed, 59), "287082");
  EXPECT_EQ(TotpCode(kRfcSeed, 1111111109), "081804");
}

TEST(Totp, AcceptsOneStepOfDriftEitherWay) {
  const int64_t now_ms = 1111111111000;
  const std::string current = TotpCode(kRfcSeed, 1111111111);

  EXPECT_TRUE(MatchTotp(kRfcSeed, current, now_ms));
  EXPECT_TRUE(MatchTotp(kRfcSeed, TotpCode(kRfcSeed, 1111111111 - 30), now_ms));
  EXPECT_TRUE(MatchTotp(kRfcSeed, TotpCode(kRfcSeed, 1111111111 + 30), now_ms));
  EXPECT_FALSE(MatchTotp(kRfcSeed, TotpCode(kRfcSeed, 1111111111 - 60), now_ms));
  EXPECT_FALSE(MatchTotp(kRfcSeed, TotpCode(kRfcSeed, 1111111111 + 60), now_ms));
}

TEST(Totp, RefusesMalformedCodes) {
  const int64_t now_ms = 59000;
  EXPECT_TRUE(MatchTotp(kRfcSeed, "287 082", now_ms));
  EXPECT_FALSE(MatchTotp(kRfcSeed, "94287082", now_ms));
  EXPECT_FALSE(MatchTotp(kRfcSeed, "28708", now_ms));
  EXPECT_FALSE(MatchTotp(kRfcSeed, "28708x", now_ms));
  EXPECT_FALSE(MatchTotp(kRfcSeed, "", now_ms));
}

TEST(Totp, AcceptsEachStepOncePerUser) {
  EXPECT_TRUE(AcceptTotpStep(9001, 100));
  EXPECT_FALSE(AcceptTotpStep(9001, 100));
  EXPECT_FALSE(AcceptTotpStep(9001, 99));
  EXPECT_TRUE(AcceptTotpStep(9001, 101));
  EXPECT_TRUE(AcceptTotpStep(9002, 100));
}

TEST(Totp, SecretsAreBase32OfTwentyBytes) {
  InitCrypto();
  const std::string secret = NewTotpSecret();
  EXPECT_EQ(secret.size(), 32u);
  ASSERT_TRUE(Base32Decode(secret));
  EXPECT_EQ(Base32Decode(secret)->size(), 20u);
  EXPECT_NE(secret, NewTotpSecret());
}

TEST(Totp, OtpauthUriNamesIssuerAndAccount) {
  EXPECT_EQ(OtpauthUri("li si", "ABC"),
            "otpauth://totp/anxun:li%20si?secret=ABC&issuer=anxun&algorithm=SHA1&digits=6"
            "&period=30");
}

TEST(QrSvg, DrawsAScalableSymbol) {
  const std::string svg = QrSvg("otpauth://totp/anxun:admin?secret=JBSWY3DPEHPK3PXP");
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
  EXPECT_NE(svg.find("<path fill=\"#000\" d=\"M4,4h1v1h-1z"), std::string::npos);  // finder corner
  EXPECT_TRUE(svg.ends_with("</svg>"));
}

}  // namespace
}  // namespace anxun::auth
