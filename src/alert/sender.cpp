#include "alert/sender.h"

#include "alert/smtp.h"
#include "common/version.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>

namespace anxun::alert {
namespace {

constexpr size_t kMaxAnswer = 2000;
constexpr size_t kMaxRead = 64 * 1024;

void InitCurlOnce() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

size_t Collect(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (out->size() < kMaxRead) out->append(data, std::min(n, kMaxRead - out->size()));
  return n;
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

int64_t ElapsedMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace

SendOutcome PostHttp(const HttpPost& post, const SendOptions& options) {
  InitCurlOnce();
  const auto start = std::chrono::steady_clock::now();
  SendOutcome out;
  std::unique_ptr<CURL, CurlDeleter> h(curl_easy_init());
  if (!h) {
    out.error = "libcurl: no handle";
    return out;
  }
  curl_slist* raw = nullptr;
  for (const auto& [name, value] : post.headers)
    raw = curl_slist_append(raw, (name + ": " + value).c_str());
  raw = curl_slist_append(raw, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);

  std::string answer;
  char error[CURL_ERROR_SIZE] = {0};
  const std::string agent = "anxun/" + std::string(Version());
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_POSTREDIR, static_cast<long>(CURL_REDIR_POST_ALL));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout_ms));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

  const CURLcode rc = curl_easy_perform(c);
  out.duration_ms = ElapsedMs(start);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status > 0) out.status = static_cast<int>(status);
  out.response = answer.substr(0, kMaxAnswer);
  if (rc != CURLE_OK) {
    out.error = error[0] ? error : curl_easy_strerror(rc);
    return out;
  }
  out.ok = status >= 200 && status <= 299;
  if (!out.ok) out.error = "HTTP " + std::to_string(status);
  return out;
}

SendOutcome SendToChannel(const Channel& ch, const NoticeMessage& m,
                          const std::vector<std::string>& recipients, const SendOptions& options,
                          int64_t now_ms) {
  if (ch.kind == "email") {
    std::vector<std::string> to = ch.smtp.to;
    for (const auto& r : recipients)
      if (std::find(to.begin(), to.end(), r) == to.end()) to.push_back(r);
    if (to.empty()) return {false, std::nullopt, "", "无收件人 / no recipients", 0};
    return SendMail(ch.smtp, ch.secret, to, BuildMail(ch.smtp.from, to, m, now_ms), options);
  }

  HttpPost post;
  if (ch.kind == "wecom")
    post = WeComPost(ch.url, m);
  else if (ch.kind == "dingtalk")
    post = DingTalkPost(ch.url, ch.secret, m, now_ms);
  else if (ch.kind == "feishu")
    post = FeishuPost(ch.url, ch.secret, m, now_ms);
  else
    post = WebhookPost(ch.url, ch.secret, m, now_ms);

  SendOutcome out = PostHttp(post, options);
  if (!out.status) return out;
  const Verdict v = JudgeAnswer(ch.kind, *out.status, out.response);
  out.ok = v.ok && out.error.empty();
  if (!v.ok && out.error.empty()) out.error = v.detail;
  return out;
}

}  // namespace anxun::alert
