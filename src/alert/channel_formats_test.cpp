// Message shapes and signatures of each channel kind. Expected signatures are
// computed here from the platforms' published formulas with OpenSSL, apart
// from the code under test (which signs through libsodium's wrapper).
#include "alert/channel_formats.h"

#include "common/crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include <string>

namespace anxun::alert {
namespace {

constexpr int64_t kNow = 1'780'000'000'123;  // 2026-05-28T20:26:40.123Z

std::string OpenSslHmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string OpenSslBase64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n);
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : bytes) {
    out += kDigits[ch >> 4];
    out += kDigits[ch & 15];
  }
  return out;
}

// Java's URLEncoder as DingTalk's sample uses it, for base64 text: + / = escaped.
std::string FormEncodeBase64(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '+')
      out += "%2B";
    else if (ch == '/')
      out += "%2F";
    else if (ch == '=')
      out += "%3D";
    else
      out += ch;
  }
  return out;
}

std::string QueryValue(const std::string& url, const std::string& key) {
  const size_t at = url.find(key + "=");
  if (at == std::string::npos) return "";
  const size_t start = at + key.size() + 1;
  return url.substr(start, url.find('&', start) - start);
}

std::string Header(const HttpPost& post, const std::string& name) {
  for (const auto& [k, v] : post.headers)
    if (k == name) return v;
  return "";
}

class ChannelFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    m_.delivery_id = 42;
    m_.notice_id = 7;
    m_.alert_id = 12;
    m_.org_unit_id = 3;
    m_.kind = "alert";
    m_.level = "major";
    m_.title = "可燃气体浓度超限";
    m_.body = "储罐区 2 号探头读数 35% LEL";
    m_.place = "化工一厂 / 储罐区";
    m_.link = "https://anxun.example/alerts/12";
    m_.occurred_at = 1'780'000'000'000;  // 2026-05-28 20:26:40Z = 2026-05-29 04:26:40 +08
  }

  NoticeMessage m_;
};

TEST_F(ChannelFormatsTest, DingTalkSignsTimestampAndSecretIntoTheQuery) {
  const std::string secret = "SEC0123456789abcdef0123456789abcdef";
  const std::string expected =
      OpenSslBase64(OpenSslHmac(secret, std::to_string(kNow) + "\n" + secret));
  EXPECT_EQ(DingTalkSign(secret, kNow), expected);

  const HttpPost post =
      DingTalkPost("https://oapi.dingtalk.com/robot/send?access_token=abc", secret, m_, kNow);
  EXPECT_EQ(QueryValue(post.url, "access_token"), "abc");
  EXPECT_EQ(QueryValue(post.url, "timestamp"), std::to_string(kNow));
  EXPECT_EQ(QueryValue(post.url, "sign"), FormEncodeBase64(expected));

  const auto body = boost::json::parse(post.body).as_object();
  EXPECT_EQ(body.at("msgtype").as_string(), "markdown");
  const auto& md = body.at("markdown").as_object();
  EXPECT_NE(std::string(md.at("title").as_string()).find("重大"), std::string::npos);
  const std::string text(md.at("text").as_string());
  for (const char* part : {"可燃气体浓度超限", "重大", "化工一厂 / 储罐区", "2026-05-29 04:26:40",
                           "https://anxun.example/alerts/12", "告警"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part;
  }
}

TEST_F(ChannelFormatsTest, DingTalkWithoutSecretSendsUnsigned) {
  const HttpPost post =
      DingTalkPost("https://oapi.dingtalk.com/robot/send?access_token=abc", "", m_, kNow);
  EXPECT_EQ(post.url, "https://oapi.dingtalk.com/robot/send?access_token=abc");
}

TEST_F(ChannelFormatsTest, FeishuSignsWithTimestampAndSecretAsTheKey) {
  const std::string secret = "feishu-secret-0123";
  const int64_t ts = kNow / 1000;
  const std::string expected = OpenSslBase64(OpenSslHmac(std::to_string(ts) + "\n" + secret, ""));
  EXPECT_EQ(FeishuSign(secret, ts), expected);

  const HttpPost post =
      FeishuPost("https://open.feishu.cn/open-apis/bot/v2/hook/abc", secret, m_, kNow);
  const auto body = boost::json::parse(post.body).as_object();
  EXPECT_EQ(body.at("timestamp").as_string(), std::to_string(ts));
  EXPECT_EQ(body.at("sign").as_string(), expected);
  EXPECT_EQ(body.at("msg_type").as_string(), "post");
  const auto& zh = body.at("content").at("post").at("zh_cn").as_object();
  EXPECT_NE(std::string(zh.at("title").as_string()).find("可燃气体浓度超限"), std::string::npos);
  const std::string content = boost::json::serialize(zh.at("content"));
  EXPECT_NE(content.find("\"tag\":\"a\""), std::string::npos);
  EXPECT_NE(content.find("https://anxun.example/alerts/12"), std::string::npos);
  EXPECT_NE(content.find("级别：重大"), std::string::npos);
}

TEST_F(ChannelFormatsTest, WebhookSignsTheRawBodyAndCarriesTheDeliveryId) {
  const std::string secret = "hook-secret";
  const HttpPost post = WebhookPost("http://127.0.0.1:9/hook", secret, m_, kNow);
  EXPECT_EQ(Header(post, "X-Anxun-Signature"), "sha256=" + Hex(OpenSslHmac(secret, post.body)));
  EXPECT_EQ(Header(post, "X-Anxun-Delivery"), "42");
  EXPECT_EQ(Header(post, "X-Anxun-Timestamp"), std::to_string(kNow / 1000));
  EXPECT_EQ(Header(post, "Content-Type"), "application/json");

  const auto body = boost::json::parse(post.body).as_object();
  EXPECT_EQ(body.at("delivery_id").as_int64(), 42);
  EXPECT_EQ(body.at("timestamp").as_int64(), kNow / 1000);
  EXPECT_EQ(body.at("level").as_string(), "major");
  EXPECT_EQ(body.at("level_text").as_string(), "重大");
  EXPECT_EQ(body.at("alert_id").as_int64(), 12);
  EXPECT_TRUE(body.at("hazard_id").is_null());
  EXPECT_EQ(body.at("occurred_at").as_string(), "2026-05-28T20:26:40Z");
}

TEST_F(ChannelFormatsTest, WeComSendsColouredMarkdown) {
  const HttpPost post = WeComPost("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", m_);
  const auto body = boost::json::parse(post.body).as_object();
  EXPECT_EQ(body.at("msgtype").as_string(), "markdown");
  const std::string content(body.at("markdown").at("content").as_string());
  EXPECT_NE(content.find("<font color=\"warning\">重大</font>"), std::string::npos);
  EXPECT_NE(content.find("[查看详情](https://anxun.example/alerts/12)"), std::string::npos);
}

TEST_F(ChannelFormatsTest, AnswersAreJudgedByStatusAndPlatformCode) {
  EXPECT_TRUE(JudgeAnswer("wecom", 200, R"({"errcode":0,"errmsg":"ok"})").ok);
  EXPECT_FALSE(JudgeAnswer("wecom", 200, R"({"errcode":93000,"errmsg":"invalid key"})").ok);
  EXPECT_NE(JudgeAnswer("dingtalk", 200, R"({"errcode":310000,"errmsg":"sign not match"})")
                .detail.find("sign not match"),
            std::string::npos);
  EXPECT_FALSE(JudgeAnswer("dingtalk", 500, R"({"errcode":0})").ok);
  EXPECT_FALSE(JudgeAnswer("dingtalk", 200, "<html>").ok);
  EXPECT_TRUE(JudgeAnswer("feishu", 200, R"({"code":0,"msg":"success"})").ok);
  EXPECT_TRUE(JudgeAnswer("feishu", 200, R"({"StatusCode":0})").ok);
  EXPECT_FALSE(JudgeAnswer("feishu", 200, R"({"code":19021,"msg":"sign match fail"})").ok);
  EXPECT_TRUE(JudgeAnswer("webhook", 204, "").ok);
  EXPECT_FALSE(JudgeAnswer("webhook", 302, "").ok);
}

TEST_F(ChannelFormatsTest, TimesShowInChinaTimeOrUtc) {
  EXPECT_EQ(FormatLocalTime(0, "Asia/Shanghai"), "1970-01-01 08:00:00");
  EXPECT_EQ(FormatLocalTime(1'500, "Europe/Berlin"), "1970-01-01 00:00:01 UTC");
  EXPECT_EQ(LevelText("minor"), "轻微");
  EXPECT_EQ(KindText("escalation"), "告警升级");
}

TEST_F(ChannelFormatsTest, MaskedUrlsKeepNoToken) {
  const std::string wecom = MaskUrl(
      "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa");
  EXPECT_EQ(wecom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****5aaa");
  const std::string feishu =
      MaskUrl("https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  EXPECT_EQ(feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/****6789");
  EXPECT_EQ(MaskUrl("http://user:pw@10.0.0.5:8080/in?token=short&x"),
            "http://****@10.0.0.5:8080/in?token=****&x");
  EXPECT_EQ(MaskSecret("SEC123"), "****");
}

TEST_F(ChannelFormatsTest, MailIsUtf8TextWithAnEncodedSubject) {
  const std::string mail =
      BuildMail("anxun@plant.example", {"a@plant.example", "b@plant.example"}, m_, kNow);
  EXPECT_NE(mail.find("From: anxun@plant.example\r\n"), std::string::npos);
  EXPECT_NE(mail.find("To: a@plant.example, b@plant.example\r\n"), std::string::npos);
  EXPECT_NE(mail.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(mail.find("Message-ID: <anxun.delivery.42@anxun>\r\n"), std::string::npos);
  EXPECT_NE(mail.find("Date: Thu, 28 May 2026 20:26:40 +0000\r\n"), std::string::npos);

  const size_t body_at = mail.find("\r\n\r\n") + 4;
  std::string encoded;
  for (char ch : mail.substr(body_at))
    if (ch != '\r' && ch != '\n') encoded += ch;
  const auto text = Base64Decode(encoded);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("可燃气体浓度超限"), std::string::npos);
  EXPECT_NE(text->find("地点：化工一厂 / 储罐区"), std::string::npos);
  EXPECT_NE(text->find("查看详情：https://anxun.example/alerts/12"), std::string::npos);
}

TEST_F(ChannelFormatsTest, UrlEncodingEscapesAllButUnreserved) {
  EXPECT_EQ(UrlEncode("a+b/c=d~_-."), "a%2Bb%2Fc%3Dd~_-.");
}

}  // namespace
}  // namespace anxun::alert
