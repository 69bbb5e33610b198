#include "alert/channels.h"

#include "alert/channel_formats.h"
#include "alert/engine.h"
#include "auth/versioned_update.h"
#include "common/clock.h"
#include "common/error.h"
#include "db/query.h"

#include <algorithm>
#include <regex>

namespace anxun::alert {
namespace {

constexpr const char* kSelect =
    "SELECT ch.id, ch.org_unit_id, u.name, u.timezone, ch.name, ch.kind, ch.min_level, "
    "ch.enabled, ch.deleted, ch.url, ch.secret, ch.settings, ch.created_by, ch.version, "
    "ch.created_at, ch.updated_at FROM alert_channels ch JOIN org_units u ON u.id = ch.org_unit_id";

constexpr const char* kInsert =
    "INSERT INTO alert_channels (org_unit_id, name, kind, min_level, enabled, url, secret, "
    "settings, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "RETURNING id";

constexpr const char* kFailPending =
    "UPDATE deliveries SET state = 'failed', last_error = ?, updated_at = ? "
    "WHERE channel_id = ? AND state = 'pending'";

constexpr size_t kMaxFixedRecipients = 50;

bool OneOf(const std::vector<std::string_view>& allowed, std::string_view v) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

bool IsMailAddress(const std::string& s) {
  static const std::regex pattern(R"([^@\s,;<>"]+@[^@\s,;<>"]+)");
  return s.size() <= 320 && std::regex_match(s, pattern);
}

bool IsHttpUrl(const std::string& s) {
  static const std::regex pattern(R"(https?://[^/\s?#@]+(/[^\s]*)?)", std::regex::icase);
  return std::regex_match(s, pattern);
}

SmtpSettings ParseSettings(const std::string& text) {
  SmtpSettings s;
  boost::system::error_code ec;
  const auto v = boost::json::parse(text, ec);
  const auto* o = ec ? nullptr : v.if_object();
  if (!o) return s;
  auto str = [&](std::string_view key, std::string& out) {
    if (const auto* x = o->if_contains(key); x && x->is_string()) out = x->as_string();
  };
  str("host", s.host);
  str("security", s.security);
  str("username", s.username);
  str("from", s.from);
  if (const auto* x = o->if_contains("port"); x && x->is_int64()) s.port = x->as_int64();
  if (const auto* x = o->if_contains("to"); x && x->is_array()) {
    for (const auto& a : x->as_array())
      if (a.is_string()) s.to.emplace_back(a.as_string());
  }
  return s;
}

std::string SettingsText(const Channel& ch) {
  if (ch.kind != "email") return "{}";
  boost::json::array to;
  for (const auto& a : ch.smtp.to)
    to.emplace_back(a);
  return boost::json::serialize(boost::json::object{{"host", ch.smtp.host},
                                                    {"port", ch.smtp.port},
                                                    {"security", ch.smtp.security},
                                                    {"username", ch.smtp.username},
                                                    {"from", ch.smtp.from},
                                                    {"to", std::move(to)}});
}

Channel FromRow(const db::Row& r) {
  Channel ch;
  ch.id = r.Int(0);
  ch.org_unit_id = r.Int(1);
  ch.org_unit_name = r.Str(2);
  ch.org_unit_timezone = r.Str(3);
  ch.name = r.Str(4);
  ch.kind = r.Str(5);
  ch.min_level = r.Str(6);
  ch.enabled = r.Bool(7);
  ch.deleted = r.Bool(8);
  ch.url = r.Str(9);
  ch.secret = r.Str(10);
  ch.smtp = ParseSettings(r.Str(11));
  ch.created_by = r.OptInt(12);
  ch.version = r.Int(13);
  ch.created_at = r.Int(14);
  ch.updated_at = r.Int(15);
  return ch;
}

void ReadUnit(db::Conn& c, const auth::AccessScope& scope, Body& b, Channel& ch, bool creating) {
  const auto unit = b.Int("org_unit_id", creating);
  if (!unit) return;
  if (!scope.Contains(*unit) || !c.QueryInt("SELECT id FROM org_units WHERE id = ?", {*unit})) {
    b.Fail("org_unit_id", "单位不存在 / org unit not found");
    return;
  }
  ch.org_unit_id = *unit;
}

void ReadCommon(Body& b, Channel& ch, bool creating) {
  if (auto v = b.Str("name", creating, 100)) ch.name = *v;
  if (auto v = b.Str("min_level")) {
    if (OneOf(Levels(), *v))
      ch.min_level = *v;
    else
      b.Fail("min_level", "未知取值 / unknown value");
  }
  if (auto v = b.Bool("enabled")) ch.enabled = *v;
}

void ReadHttp(Body& b, Channel& ch) {
  if (auto v = b.Str("url", false, 2000)) {
    if (IsHttpUrl(*v))
      ch.url = *v;
    else
      b.Fail("url", "应为 http(s):// 地址 / must be an http(s):// address");
  }
  if (auto v = b.Str("secret", false, 500)) ch.secret = *v;
  for (std::string_view key : {"smtp_host", "smtp_port", "smtp_security", "smtp_username",
                               "smtp_password", "smtp_from", "email_to"}) {
    if (b.Has(key)) b.Fail(key, "仅用于邮件渠道 / for e-mail channels only");
  }
}

void ReadSmtp(Body& b, Channel& ch) {
  for (std::string_view key : {"url", "secret"}) {
    if (b.Has(key)) b.Fail(key, "邮件渠道不使用此项 / not used by e-mail channels");
  }
  if (auto v = b.Str("smtp_host", false, 255)) ch.smtp.host = *v;
  if (auto v = b.Str("smtp_security")) {
    if (OneOf({"starttls", "tls", "none"}, *v))
      ch.smtp.security = *v;
    else
      b.Fail("smtp_security", "应为 starttls、tls 或 none / starttls, tls or none");
  }
  if (auto v = b.Int("smtp_port")) {
    if (*v >= 1 && *v <= 65535)
      ch.smtp.port = static_cast<int>(*v);
    else
      b.Fail("smtp_port", "应在 1–65535 / must be 1–65535");
  } else if (b.Has("smtp_security") && !b.Has("smtp_port")) {
    ch.smtp.port = ch.smtp.security == "tls" ? 465 : ch.smtp.security == "none" ? 25 : 587;
  }
  if (auto v = b.Str("smtp_username", false, 255)) ch.smtp.username = *v;
  if (auto v = b.Str("smtp_password", false, 500)) ch.secret = *v;
  if (auto v = b.Str("smtp_from", false, 320)) {
    if (IsMailAddress(*v))
      ch.smtp.from = *v;
    else
      b.Fail("smtp_from", "不是有效的邮箱地址 / not an e-mail address");
  }
  if (auto v = b.StrList("email_to")) {
    const bool ok =
        v->size() <= kMaxFixedRecipients &&
        std::all_of(v->begin(), v->end(), [](const auto& a) { return IsMailAddress(a); });
    if (ok)
      ch.smtp.to = *v;
    else
      b.Fail("email_to", "应为至多 50 个邮箱地址 / up to 50 e-mail addresses");
  }
}

// Whole-record checks once the fields are merged.
void CheckComplete(Body& b, const Channel& ch) {
  if (ch.kind == "email") {
    if (ch.smtp.host.empty()) b.Fail("smtp_host", "不能为空 / required");
    if (ch.smtp.from.empty()) b.Fail("smtp_from", "不能为空 / required");
    return;
  }
  if (ch.url.empty()) b.Fail("url", "不能为空 / required");
  if (ch.kind == "webhook" && ch.secret.empty()) {
    b.Fail("secret", "通用 Webhook 须设签名密钥 / a generic webhook needs a signing secret");
  }
}

void ReadKindFields(Body& b, Channel& ch) {
  if (ch.kind == "email")
    ReadSmtp(b, ch);
  else
    ReadHttp(b, ch);
}

}  // namespace

const std::vector<std::string_view>& ChannelKinds() {
  static const std::vector<std::string_view> v = {"wecom", "dingtalk", "feishu", "webhook",
                                                  "email"};
  return v;
}

std::optional<Channel> FindChannel(db::Conn& c, int64_t id) {
  auto r = c.QueryOne(std::string(kSelect) + " WHERE ch.id = ? AND ch.deleted = 0", {id});
  if (!r) return std::nullopt;
  return FromRow(*r);
}

Channel GetChannelInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto ch = FindChannel(c, id);
  if (!ch || !scope.Contains(ch->org_unit_id)) throw NotFound("channel");
  return *ch;
}

std::vector<Channel> ListChannels(db::Conn& c, const auth::AccessScope& scope,
                                  const ChannelFilter& f) {
  db::Where where;
  where.Add("ch.deleted = 0");
  scope.Apply(where, "ch.org_unit_id");
  if (f.org_unit_id) where.Add("ch.org_unit_id = ?", {*f.org_unit_id});
  if (f.kind) where.Add("ch.kind = ?", {*f.kind});
  if (f.enabled) where.Add("ch.enabled = ?", {int64_t{*f.enabled}});
  std::vector<Channel> out;
  for (const auto& r :
       c.Query(std::string(kSelect) + where.Sql() + " ORDER BY u.path, ch.name, ch.id",
               where.params())) {
    out.push_back(FromRow(r));
  }
  return out;
}

Channel CreateChannel(db::Conn& c, const auth::Principal& who, const auth::AccessScope& scope,
                      Body& b, int64_t now) {
  Channel ch;
  ReadUnit(c, scope, b, ch, true);
  ReadCommon(b, ch, true);
  const auto kind = b.Str("kind", true);
  if (kind && OneOf(ChannelKinds(), *kind)) {
    ch.kind = *kind;
    ReadKindFields(b, ch);
    CheckComplete(b, ch);
  } else if (kind) {
    b.Fail("kind", "未知取值 / unknown value");
  }
  b.Done({"org_unit_id", "name", "kind", "min_level", "enabled", "url", "secret", "smtp_host",
          "smtp_port", "smtp_security", "smtp_username", "smtp_password", "smtp_from", "email_to"});

  const int64_t id =
      c.Insert(kInsert, {ch.org_unit_id, ch.name, ch.kind, ch.min_level, int64_t{ch.enabled},
                         ch.url, ch.secret, SettingsText(ch), who.user_id, now, now});
  return *FindChannel(c, id);
}

std::pair<Channel, Channel> UpdateChannel(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                                          Body& b, int64_t now) {
  const Channel before = GetChannelInScope(c, scope, id);
  Channel ch = before;
  ReadUnit(c, scope, b, ch, false);
  ReadCommon(b, ch, false);
  ReadKindFields(b, ch);
  const auto version = b.Int("version");
  if (b.Has("kind")) b.Fail("kind", "类型不可修改 / the kind cannot change");
  CheckComplete(b, ch);
  b.Done({"org_unit_id", "name", "min_level", "enabled", "url", "secret", "smtp_host", "smtp_port",
          "smtp_security", "smtp_username", "smtp_password", "smtp_from", "email_to", "version",
          "kind"});

  auth::VersionedUpdate update("alert_channels", now);
  update.Set("org_unit_id", ch.org_unit_id);
  update.Set("name", ch.name);
  update.Set("min_level", ch.min_level);
  update.Set("enabled", int64_t{ch.enabled});
  update.Set("url", ch.url);
  update.Set("secret", ch.secret);
  update.Set("settings", SettingsText(ch));
  update.Run(c, id, version);
  return {before, *FindChannel(c, id)};
}

Channel DeleteChannel(db::Conn& c, const auth::AccessScope& scope, int64_t id, int64_t now) {
  const Channel before = GetChannelInScope(c, scope, id);
  c.Exec(
      "UPDATE alert_channels SET deleted = 1, enabled = 0, version = version + 1, updated_at = ? "
      "WHERE id = ?",
      {now, id});
  c.Exec(kFailPending, {std::string("渠道已删除 / channel deleted"), now, id});
  return before;
}

boost::json::object ChannelJson(const Channel& ch) {
  boost::json::object j{{"id", ch.id},
                        {"org_unit_id", ch.org_unit_id},
                        {"org_unit_name", ch.org_unit_name},
                        {"name", ch.name},
                        {"kind", ch.kind},
                        {"min_level", ch.min_level},
                        {"enabled", ch.enabled},
                        {"has_secret", !ch.secret.empty()},
                        {"secret_hint", ch.secret.empty() ? "" : MaskSecret(ch.secret)},
                        {"version", ch.version},
                        {"created_at", FormatRfc3339(ch.created_at)},
                        {"updated_at", FormatRfc3339(ch.updated_at)}};
  if (ch.kind != "email") {
    j["url_masked"] = MaskUrl(ch.url);
    return j;
  }
  boost::json::array to;
  for (const auto& a : ch.smtp.to)
    to.emplace_back(a);
  j["smtp_host"] = ch.smtp.host;
  j["smtp_port"] = ch.smtp.port;
  j["smtp_security"] = ch.smtp.security;
  j["smtp_username"] = ch.smtp.username;
  j["smtp_from"] = ch.smtp.from;
  j["email_to"] = std::move(to);
  return j;
}

}  // namespace anxun::alert
