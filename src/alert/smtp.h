// Sending one mail over SMTP (libcurl): implicit TLS ("tls", usually port
// 465), STARTTLS required ("starttls", usually 587) or plain ("none", e.g. a
// relay on the plant network). Logs in when a user name is set. Certificates
// are verified against the system's store. Blocking, bounded by `options`;
// thread-safe.
#pragma once

#include "alert/channels.h"
#include "alert/sender.h"

#include <string>
#include <vector>

namespace anxun::alert {

// Sends `mail` (complete RFC 5322 text, see BuildMail) from settings.from to
// `to`. ok when the server accepted the DATA (2xx); `status` is the last SMTP
// reply code; `error` says what failed.
SendOutcome SendMail(const SmtpSettings& settings, const std::string& password,
                     const std::vector<std::string>& to, const std::string& mail,
                     const SendOptions& options);

}  // namespace anxun::alert
