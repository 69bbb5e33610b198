#include "alert/smtp.h"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <memory>

namespace anxun::alert {
namespace {

struct Reader {
  const std::string* text;
  size_t pos = 0;
};

size_t ReadMail(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t n = std::min(size * count, r->text->size() - r->pos);
  std::memcpy(buffer, r->text->data() + r->pos, n);
  r->pos += n;
  return n;
}

std::string ServerUrl(const SmtpSettings& s) {
  const std::string scheme = s.security == "tls" ? "smtps" : "smtp";
  // The path names our host in EHLO.
  return scheme + "://" + s.host + ":" + std::to_string(s.port) + "/anxun";
}

}  // namespace

SendOutcome SendMail(const SmtpSettings& s, const std::string& password,
                     const std::vector<std::string>& to, const std::string& mail,
                     const SendOptions& options) {
  static const bool init = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)init;
  const auto start = std::chrono::steady_clock::now();
  SendOutcome out;
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) {
    out.error = "libcurl: no handle";
    return out;
  }
  curl_slist* raw = nullptr;
  for (const auto& addr : to)
    raw = curl_slist_append(raw, ("<" + addr + ">").c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt(raw, curl_slist_free_all);

  const std::string url = ServerUrl(s);
  const std::string from = "<" + s.from + ">";
  Reader reader{&mail};
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   static_cast<long>(s.security == "none" ? CURLUSESSL_NONE : CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout_ms));
  if (!s.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.size()));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadMail);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

  const CURLcode rc = curl_easy_perform(c);
  out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code > 0) out.status = static_cast<int>(code);
  out.ok = rc == CURLE_OK;
  if (!out.ok) out.error = error[0] ? error : curl_easy_strerror(rc);
  out.response = out.ok ? "accepted for " + std::to_string(to.size()) + " recipient(s)" : "";
  return out;
}

}  // namespace anxun::alert
