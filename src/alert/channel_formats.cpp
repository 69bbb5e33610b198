#include "alert/channel_formats.h"

#include "common/clock.h"
#include "common/crypto.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <ctime>

namespace anxun::alert {
namespace {

constexpr std::string_view kBrand = "【安巡】";
constexpr size_t kMaxBodyText = 1500;  // robots cap messages near 2–4 KB

bool IsChinaZone(std::string_view tz) {
  return tz == "Asia/Shanghai" || tz == "Asia/Chongqing" || tz == "Asia/Harbin" ||
         tz == "Asia/Hong_Kong" || tz == "Asia/Macau" || tz == "Asia/Taipei" || tz == "PRC";
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 character.
std::string Truncate(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  return std::string(s.substr(0, end)) + "…";
}

std::string NoNewlines(std::string_view s) {
  std::string out;
  for (char ch : s)
    out += (ch == '\r' || ch == '\n') ? ' ' : ch;
  return out;
}

std::string Markdown(const NoticeMessage& m, bool colored) {
  std::string out = "### " + Headline(m) + "\n";
  for (const auto& [label, value] : FactLines(m)) {
    std::string shown = value;
    if (colored && label == "级别") shown = "<font color=\"warning\">" + value + "</font>";
    out += "> " + label + "：" + shown + "\n";
  }
  if (!m.body.empty()) out += "\n" + Truncate(m.body, kMaxBodyText) + "\n";
  if (!m.link.empty()) out += "\n[查看详情](" + m.link + ")\n";
  return out;
}

std::string RfcMailDate(int64_t ms) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// RFC 2047 encoded words of at most 45 bytes of text each (75 characters encoded).
std::string EncodedHeader(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + 45);
    while (end < text.size() && end > pos && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string WrapLines(const std::string& s, size_t width) {
  std::string out;
  for (size_t i = 0; i < s.size(); i += width)
    out += s.substr(i, width) + "\r\n";
  return out;
}

std::string MailText(const NoticeMessage& m) {
  std::string out = Headline(m) + "\n\n";
  for (const auto& [label, value] : FactLines(m))
    out += label + "：" + value + "\n";
  if (!m.body.empty()) out += "\n" + m.body + "\n";
  if (!m.link.empty()) out += "\n查看详情：" + m.link + "\n";
  out += "\n—— 安巡安全巡检系统自动发送，请勿直接回复。\n";
  return out;
}

boost::json::value OptId(const std::optional<int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

boost::json::array FeishuLine(const std::string& text) {
  return boost::json::array{boost::json::object{{"tag", "text"}, {"text", text}}};
}

}  // namespace

std::string LevelText(std::string_view level) {
  if (level == "major") return "重大";
  if (level == "serious") return "较大";
  if (level == "general") return "一般";
  if (level == "minor") return "轻微";
  return std::string(level);
}

std::string KindText(std::string_view kind) {
  if (kind == "alert") return "告警";
  if (kind == "escalation") return "告警升级";
  if (kind == "reminder") return "督办提醒";
  if (kind == "test") return "测试消息";
  return "通知";
}

std::string FormatLocalTime(int64_t ms, std::string_view timezone) {
  const bool china = IsChinaZone(timezone);
  const int64_t seconds = ms / 1000 * 1000;
  std::string text = FormatRfc3339(seconds + (china ? 8 * kHourMs : 0));
  text = text.substr(0, 19);
  text[10] = ' ';
  return china ? text : text + " UTC";
}

std::string Headline(const NoticeMessage& m) {
  // Routed titles already lead with their level, e.g. "【重大】可燃气体浓度超限 · 化工一厂".
  if (m.title.rfind("【", 0) == 0) return std::string(kBrand) + m.title;
  return std::string(kBrand) + KindText(m.kind) + "（" + LevelText(m.level) + "）：" + m.title;
}

std::vector<std::pair<std::string, std::string>> FactLines(const NoticeMessage& m) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("级别", LevelText(m.level));
  lines.emplace_back("类型", KindText(m.kind));
  if (!m.place.empty()) lines.emplace_back("地点", m.place);
  lines.emplace_back("时间", FormatLocalTime(m.occurred_at, m.timezone));
  return lines;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += fmt::format("%{:02X}", ch);
    }
  }
  return out;
}

std::string DingTalkSign(std::string_view secret, int64_t timestamp_ms) {
  const std::string to_sign = std::to_string(timestamp_ms) + "\n" + std::string(secret);
  return Base64Encode(HmacSha256(secret, to_sign));
}

std::string FeishuSign(std::string_view secret, int64_t timestamp_s) {
  const std::string key = std::to_string(timestamp_s) + "\n" + std::string(secret);
  return Base64Encode(HmacSha256(key, ""));
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + HexEncode(HmacSha256(secret, body));
}

HttpPost WeComPost(const std::string& url, const NoticeMessage& m) {
  boost::json::object body{{"msgtype", "markdown"},
                           {"markdown", boost::json::object{{"content", Markdown(m, true)}}}};
  return {url, {{"Content-Type", "application/json"}}, boost::json::serialize(body)};
}

HttpPost DingTalkPost(const std::string& url, const std::string& secret, const NoticeMessage& m,
                      int64_t now_ms) {
  boost::json::object markdown{{"title", Truncate(Headline(m), 120)}, {"text", Markdown(m, false)}};
  boost::json::object body{{"msgtype", "markdown"}, {"markdown", std::move(markdown)}};
  std::string target = url;
  if (!secret.empty()) {
    target += (url.find('?') == std::string::npos ? "?" : "&");
    target +=
        "timestamp=" + std::to_string(now_ms) + "&sign=" + UrlEncode(DingTalkSign(secret, now_ms));
  }
  return {target, {{"Content-Type", "application/json"}}, boost::json::serialize(body)};
}

HttpPost FeishuPost(const std::string& url, const std::string& secret, const NoticeMessage& m,
                    int64_t now_ms) {
  boost::json::array content;
  for (const auto& [label, value] : FactLines(m))
    content.push_back(FeishuLine(label + "：" + value));
  if (!m.body.empty()) content.push_back(FeishuLine(Truncate(m.body, kMaxBodyText)));
  if (!m.link.empty()) {
    content.push_back(boost::json::array{
        boost::json::object{{"tag", "a"}, {"text", "查看详情"}, {"href", m.link}}});
  }
  boost::json::object zh_cn{{"title", Headline(m)}, {"content", std::move(content)}};
  boost::json::object body;
  if (!secret.empty()) {
    const int64_t ts = now_ms / 1000;
    body["timestamp"] = std::to_string(ts);
    body["sign"] = FeishuSign(secret, ts);
  }
  body["msg_type"] = "post";
  body["content"] = boost::json::object{{"post", boost::json::object{{"zh_cn", zh_cn}}}};
  return {url, {{"Content-Type", "application/json"}}, boost::json::serialize(body)};
}

HttpPost WebhookPost(const std::string& url, const std::string& secret, const NoticeMessage& m,
                     int64_t now_ms) {
  const int64_t ts = now_ms / 1000;
  boost::json::object body{{"delivery_id", m.delivery_id},
                           {"event", "alert.notice"},
                           {"test", m.test},
                           {"notice_id", OptId(m.notice_id)},
                           {"kind", m.kind},
                           {"kind_text", KindText(m.kind)},
                           {"level", m.level},
                           {"level_text", LevelText(m.level)},
                           {"title", m.title},
                           {"body", m.body},
                           {"place", m.place},
                           {"occurred_at", FormatRfc3339(m.occurred_at)},
                           {"link", m.link},
                           {"alert_id", OptId(m.alert_id)},
                           {"hazard_id", OptId(m.hazard_id)},
                           {"task_id", OptId(m.task_id)},
                           {"org_unit_id", m.org_unit_id},
                           {"timestamp", ts}};
  HttpPost post{url, {}, boost::json::serialize(body)};
  post.headers = {{"Content-Type", "application/json"},
                  {"X-Anxun-Delivery", std::to_string(m.delivery_id)},
                  {"X-Anxun-Timestamp", std::to_string(ts)}};
  if (!secret.empty())
    post.headers.emplace_back("X-Anxun-Signature", WebhookSignature(secret, post.body));
  return post;
}

Verdict JudgeAnswer(std::string_view kind, int http_status, std::string_view body) {
  if (http_status < 200 || http_status > 299) return {false, fmt::format("HTTP {}", http_status)};
  if (kind == "webhook" || kind == "email") return {true, ""};

  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  const auto* o = ec ? nullptr : v.if_object();
  if (!o) return {false, "应答不是 JSON / answer is not JSON"};
  const bool feishu = kind == "feishu";
  const auto* code = o->if_contains(feishu ? "code" : "errcode");
  if (!code && feishu) code = o->if_contains("StatusCode");
  const auto* msg = o->if_contains(feishu ? "msg" : "errmsg");
  const std::string text = msg && msg->is_string() ? std::string(msg->as_string()) : "";
  if (code && code->is_number() && code->to_number<double>() == 0) return {true, ""};
  return {false, fmt::format("{} {}: {}", feishu ? "code" : "errcode",
                             code ? boost::json::serialize(*code) : "missing", text)};
}

std::string BuildMail(const std::string& from, const std::vector<std::string>& to,
                      const NoticeMessage& m, int64_t now_ms) {
  std::string recipients;
  for (const auto& addr : to)
    recipients += (recipients.empty() ? "" : ", ") + NoNewlines(addr);
  std::string mail;
  mail += "From: " + NoNewlines(from) + "\r\n";
  mail += "To: " + recipients + "\r\n";
  mail += "Subject: " + EncodedHeader(Headline(m)) + "\r\n";
  mail += "Date: " + RfcMailDate(now_ms) + "\r\n";
  mail += fmt::format("Message-ID: <anxun.delivery.{}@anxun>\r\n", m.delivery_id);
  mail += fmt::format("X-Anxun-Delivery: {}\r\n", m.delivery_id);
  mail += "MIME-Version: 1.0\r\n";
  mail += "Content-Type: text/plain; charset=UTF-8\r\n";
  mail += "Content-Transfer-Encoding: base64\r\n\r\n";
  mail += WrapLines(Base64Encode(MailText(m)), 76);
  return mail;
}

std::string MaskSecret(std::string_view secret) {
  if (secret.size() < 12) return "****";
  return "****" + std::string(secret.substr(secret.size() - 4));
}

std::string MaskUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return MaskSecret(url);
  const size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  std::string authority(url.substr(host_start, host_end - host_start));
  if (const size_t at = authority.rfind('@'); at != std::string::npos)
    authority = "****@" + authority.substr(at + 1);
  std::string out = std::string(url.substr(0, host_start)) + authority;

  const size_t query_start = url.find('?', host_end);
  const size_t fragment = url.find('#', host_end);
  const size_t path_end = std::min(query_start, fragment);
  std::string_view path = url.substr(host_end, std::min(path_end, url.size()) - host_end);
  for (size_t pos = 0; pos < path.size();) {
    size_t next = path.find('/', pos + 1);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(pos, next - pos);  // starts with '/'
    out += seg.size() > 16 ? "/" + MaskSecret(seg.substr(1)) : std::string(seg);
    pos = next;
  }
  if (query_start == std::string_view::npos) return out;
  std::string_view query =
      url.substr(query_start + 1, std::min(fragment, url.size()) - query_start - 1);
  out += "?";
  for (size_t pos = 0; pos <= query.size();) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (pos > 0) out += "&";
    out += eq == std::string_view::npos
               ? std::string(pair)
               : std::string(pair.substr(0, eq + 1)) + MaskSecret(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return out;
}

}  // namespace anxun::alert
