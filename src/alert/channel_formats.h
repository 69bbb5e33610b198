// What a notice looks like on each outside channel: the platforms' published
// message shapes and signatures, how to read their answers, and the mail.
//
//   wecom     企业微信群机器人: POST {"msgtype":"markdown","markdown":{"content"}} to the
//             robot's URL (its key is in the URL); success = HTTP 200 and errcode 0.
//   dingtalk  钉钉机器人: {"msgtype":"markdown","markdown":{"title","text"}}; with a secret
//             the URL gains timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(
//             key=secret, data=timestamp+"\n"+secret))); success = errcode 0.
//   feishu    飞书机器人: {"msg_type":"post","content":{"post":{"zh_cn":{title,content}}}};
//             with a secret the body gains "timestamp" (s) and "sign" = base64(
//             HMAC-SHA256(key=timestamp+"\n"+secret, data="")); success = code 0.
//   webhook   generic JSON (see WebhookPost); headers X-Anxun-Delivery (the delivery id,
//             stable across retries: receivers drop duplicates by it), X-Anxun-Timestamp
//             (Unix seconds, also in the body) and X-Anxun-Signature:
//             sha256=<hex HMAC-SHA256(key=secret, data=raw body)>; success = any 2xx.
//   email     RFC 5322 text/plain UTF-8 mail (BuildMail), sent by smtp.h.
//
// Texts are Simplified Chinese: level, title, place, time, link. Pure
// functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anxun::alert {

// One notice as a channel carries it.
struct NoticeMessage {
  int64_t delivery_id = 0;  // the idempotency id receivers deduplicate by
  std::optional<int64_t> notice_id, alert_id, hazard_id, task_id;
  int64_t org_unit_id = 0;
  std::string kind;   // alert | escalation | reminder | test
  std::string level;  // major | serious | general | minor
  std::string title, body, place, link;
  int64_t occurred_at = 0;  // epoch ms
  std::string timezone = "Asia/Shanghai";
  bool test = false;
};

struct HttpPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// 重大 / 较大 / 一般 / 轻微 (the level itself when unknown).
std::string LevelText(std::string_view level);
// 告警 / 告警升级 / 督办提醒 / 测试消息.
std::string KindText(std::string_view kind);
// "2026-03-05 14:20:00" in `timezone` (China's zones are UTC+8 all year;
// other zones fall back to UTC with a " UTC" suffix).
std::string FormatLocalTime(int64_t ms, std::string_view timezone);
// "【安巡】告警（重大）：<title>", or "【安巡】<title>" when the title already
// leads with a bracketed level ("【重大】…", as routed notices do).
std::string Headline(const NoticeMessage& m);
// The lines shown on every channel: level, kind, place, time, then the body.
std::vector<std::pair<std::string, std::string>> FactLines(const NoticeMessage& m);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view s);

std::string DingTalkSign(std::string_view secret, int64_t timestamp_ms);
std::string FeishuSign(std::string_view secret, int64_t timestamp_s);
// "sha256=<lower-case hex>".
std::string WebhookSignature(std::string_view secret, std::string_view body);

HttpPost WeComPost(const std::string& url, const NoticeMessage& m);
// An empty `secret` sends unsigned (robots secured by keyword or IP).
HttpPost DingTalkPost(const std::string& url, const std::string& secret, const NoticeMessage& m,
                      int64_t now_ms);
HttpPost FeishuPost(const std::string& url, const std::string& secret, const NoticeMessage& m,
                    int64_t now_ms);
// Body: {delivery_id, event:"alert.notice", test, notice_id, kind, kind_text, level,
// level_text, title, body, place, occurred_at (RFC 3339), link, alert_id, hazard_id, task_id,
// org_unit_id, timestamp}. Without a secret the signature header is left out.
HttpPost WebhookPost(const std::string& url, const std::string& secret, const NoticeMessage& m,
                     int64_t now_ms);

// Whether the receiver accepted: 2xx, and for the robots their success code.
// `detail` names the platform's error code and message when it refused.
struct Verdict {
  bool ok = false;
  std::string detail;
};
Verdict JudgeAnswer(std::string_view kind, int http_status, std::string_view body);

// A complete mail (headers + base64 text/plain body) for SMTP DATA.
std::string BuildMail(const std::string& from, const std::vector<std::string>& to,
                      const NoticeMessage& m, int64_t now_ms);

// "****" plus the last 4 characters when the secret is long enough to spare them.
std::string MaskSecret(std::string_view secret);
// The URL with every query value and every long path segment (robot tokens)
// masked: safe to show and to log.
std::string MaskUrl(std::string_view url);

}  // namespace anxun::alert
