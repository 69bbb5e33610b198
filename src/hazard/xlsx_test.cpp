#include "hazard/xlsx.h"

#include <gtest/gtest.h>

namespace anxun::hazard {
namespace {

TEST(Xlsx, Crc32OfKnownInput) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(Xlsx, IsAZipWithTheSheetAndEscapedText) {
  const std::string x = XlsxWorkbook({{"编号", "标题"}, {"YH-1", "a<b & \"c\"\x01"}}, "隐患");
  ASSERT_GT(x.size(), 100u);
  EXPECT_EQ(x.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_NE(x.find("xl/worksheets/sheet1.xml"), std::string::npos);
  EXPECT_NE(x.find("<t xml:space=\"preserve\">a&lt;b &amp; &quot;c&quot;</t>"), std::string::npos);
  EXPECT_NE(x.find("sheet name=\"隐患\""), std::string::npos);
  // End of central directory: five entries.
  const size_t eocd = x.rfind(std::string("PK\x05\x06", 4));
  ASSERT_NE(eocd, std::string::npos);
  EXPECT_EQ(static_cast<unsigned char>(x[eocd + 10]), 5);
}

}  // namespace
}  // namespace anxun::hazard
