// The network side of delivery: one POST to a robot or webhook, or one mail,
// with bounded time. Blocking: call from the delivery worker (or the bounded
// "send test" request), never from a request that changes data.
//
// HTTP goes through libcurl: only http and https, at most 3 redirects and
// only to http(s), a connect timeout and a total timeout, no signals (safe on
// any thread). Thread-safe; each call uses its own handle.
#pragma once

#include "alert/channel_formats.h"
#include "alert/channels.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::alert {

struct SendOptions {
  int64_t connect_timeout_ms = 5000;
  int64_t total_timeout_ms = 15000;
};

// What happened on the wire. `ok` means the receiver acknowledged (2xx and the
// platform's success code); `status` is the HTTP status or the SMTP reply
// code, absent when nothing was answered; `response` is the start of the
// answer (at most 2,000 bytes); `error` says why it failed.
struct SendOutcome {
  bool ok = false;
  std::optional<int> status;
  std::string response;
  std::string error;
  int64_t duration_ms = 0;
};

// POSTs `post` and returns the raw outcome (ok = a 2xx answer; the caller
// judges the body with JudgeAnswer).
SendOutcome PostHttp(const HttpPost& post, const SendOptions& options);

// Formats `m` for `channel`'s kind, sends it and judges the answer. For an
// e-mail channel, `recipients` are the addresses besides the channel's own.
SendOutcome SendToChannel(const Channel& channel, const NoticeMessage& m,
                          const std::vector<std::string>& recipients, const SendOptions& options,
                          int64_t now_ms);

}  // namespace anxun::alert
