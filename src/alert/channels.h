// Alert channels: the robots, webhooks and mail servers an org unit's
// notices go out to (see channel_formats.h for the kinds). A notice for unit U
// goes to U's enabled channels whose minimum level it meets.
//
// Secrets (robot tokens inside the URL, signing secrets, SMTP passwords) are
// stored as given and leave this module only masked (ChannelJson); a PATCH
// that leaves a secret out keeps it. Changing functions run inside
// Database::Write and do not audit (the caller does, with ChannelJson).
// Client mistakes throw ApiError (400 fields, 404 outside scope, 409
// version_conflict). Stateless; thread-safe given one Conn per thread.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::alert {

// SMTP settings of an `email` channel; the password is Channel::secret.
struct SmtpSettings {
  std::string host;
  int port = 587;
  std::string security = "starttls";  // starttls | tls | none
  std::string username;
  std::string from;
  std::vector<std::string> to;  // fixed addresses besides the notice's recipients
};

struct Channel {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::string org_unit_name;
  std::string org_unit_timezone = "Asia/Shanghai";
  std::string name;
  std::string kind;  // wecom | dingtalk | feishu | webhook | email
  std::string min_level = "general";
  bool enabled = true;
  bool deleted = false;
  std::string url;     // robots and webhook
  std::string secret;  // signing secret, or the SMTP password
  SmtpSettings smtp;   // email
  std::optional<int64_t> created_by;
  int64_t version = 1, created_at = 0, updated_at = 0;
};

const std::vector<std::string_view>& ChannelKinds();

struct ChannelFilter {
  std::optional<int64_t> org_unit_id;
  std::optional<std::string> kind;
  std::optional<bool> enabled;
};

// Deleted channels are never found.
std::optional<Channel> FindChannel(db::Conn& c, int64_t id);
// 404 when missing, deleted or outside `scope`.
Channel GetChannelInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);
std::vector<Channel> ListChannels(db::Conn& c, const auth::AccessScope& scope,
                                  const ChannelFilter& f);

// Body: {org_unit_id, name, kind, min_level, enabled, url, secret, smtp_host, smtp_port,
// smtp_security, smtp_username, smtp_password, smtp_from, email_to}.
Channel CreateChannel(db::Conn& c, const auth::Principal& who, const auth::AccessScope& scope,
                      Body& body, int64_t now);
// Same fields but kind, plus version; returns before and after.
std::pair<Channel, Channel> UpdateChannel(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                                          Body& body, int64_t now);
// Soft delete: pending deliveries of the channel then fail. Returns the channel before.
Channel DeleteChannel(db::Conn& c, const auth::AccessScope& scope, int64_t id, int64_t now);

// The API's view: secrets masked (url_masked, has_secret, secret_hint).
boost::json::object ChannelJson(const Channel& ch);

}  // namespace anxun::alert
