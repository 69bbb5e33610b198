// Signing in and out, and the caller's own account: /me, password change and
// TOTP enrolment. The rules live in src/auth; this file reads requests and
// sets the session cookies.
#include "api/app.h"
#include "api/context.h"
#include "api/routes.h"
#include "auth/account.h"
#include "auth/grants.h"
#include "auth/login.h"
#include "auth/session.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace anxun::api {
namespace {

// Clients may post these actions without a body.
boost::json::object BodyObject(const Context& ctx) {
  return ParseJsonObject(ctx.req.body.empty() ? std::string_view("{}") : ctx.req.body);
}

bool OverTls(const Context& ctx) {
  return !ctx.app.config.tls_cert.empty() || ctx.req.Header("x-forwarded-proto") == "https";
}

// The token cookie is HttpOnly; the CSRF cookie is read by the web client,
// which echoes it in X-CSRF-Token on every state-changing request.
void SetSessionCookies(Context& ctx, const auth::NewSession& s) {
  const std::string_view secure = OverTls(ctx) ? "; Secure" : "";
  ctx.extra_headers.emplace_back(
      "Set-Cookie", fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/{}", auth::kSessionCookie,
                                s.token, secure));
  ctx.extra_headers.emplace_back(
      "Set-Cookie",
      fmt::format("{}={}; SameSite=Strict; Path=/{}", auth::kCsrfCookie, s.csrf_token, secure));
}

void ClearSessionCookies(Context& ctx) {
  const std::string_view secure = OverTls(ctx) ? "; Secure" : "";
  for (auto name : {auth::kSessionCookie, auth::kCsrfCookie}) {
    ctx.extra_headers.emplace_back(
        "Set-Cookie", fmt::format("{}=; Max-Age=0; SameSite=Strict; Path=/{}", name, secure));
  }
}

http::Response Login(Context& ctx) {
  Body b(ParseJsonObject(ctx.req.body));
  auth::LoginInput in;
  in.username = b.Str("username", true, 64).value_or("");
  in.password = b.Str("password", true, auth::kMaxPasswordBytes).value_or("");
  in.totp_code = b.Str("totp_code", false, 16);
  b.Done({"username", "password", "totp_code"});
  in.ip = ctx.req.remote_ip;
  in.user_agent = std::string(ctx.req.Header("user-agent"));
  in.request_id = ctx.req.request_id;

  const auth::LoginResult r = auth::Login(*ctx.app.db, ctx.app.config, in);
  boost::json::object user = ctx.app.db->Read([&](db::Conn& c) {
    auto p = auth::LoadPrincipal(c, r.user_id);
    if (!p) throw Unauthenticated();
    p->session_id = r.session.id;
    p->restricted = r.restriction.any();
    return auth::AccountJson(c, ctx.app.config, *p);
  });
  SetSessionCookies(ctx, r.session);

  boost::json::object out;
  out["token"] = r.session.token;
  out["expires_at"] = FormatRfc3339(r.session.expires_at);
  out["csrf_token"] = r.session.csrf_token;
  out["must_change_password"] = r.restriction.change_password;
  out["totp_enrollment_required"] = r.restriction.enroll_totp;
  out["restricted"] = r.restriction.any();
  out["user"] = std::move(user);
  return http::Response::Json(out);
}

http::Response Logout(Context& ctx) {
  const auth::Principal& p = ctx.user();
  ctx.app.db->Write([&](db::Conn& c) {
    auth::RevokeSession(c, p.session_id);
    boost::json::object after;
    after["session_id"] = p.session_id;
    audit::Append(c, ctx.actor(),
                  {"auth.logout", "user", std::to_string(p.user_id), nullptr, after});
  });
  auth::InvalidateSessionCache();
  ClearSessionCookies(ctx);
  return http::Response::NoContent();
}

http::Response Me(Context& ctx) {
  const auth::Principal& p = ctx.user();
  return http::Response::Json(
      ctx.app.db->Read([&](db::Conn& c) { return auth::AccountJson(c, ctx.app.config, p); }));
}

http::Response ChangePassword(Context& ctx) {
  Body b(ParseJsonObject(ctx.req.body));
  const auto old_password = b.Str("old_password", true, auth::kMaxPasswordBytes);
  const auto new_password = b.Str("new_password", true, auth::kMaxPasswordBytes);
  b.Done({"old_password", "new_password"});

  auth::ChangeOwnPassword(*ctx.app.db, ctx.app.config, ctx.actor(), ctx.user(), *old_password,
                          *new_password);
  return http::Response::NoContent();
}

http::Response EnrollTotp(Context& ctx) {
  Body b(BodyObject(ctx));
  b.Done({});
  const auto e = auth::BeginTotpEnrollment(*ctx.app.db, ctx.actor(), ctx.user());
  boost::json::object out;
  out["secret"] = e.secret;
  out["otpauth_uri"] = e.otpauth_uri;
  out["qr_svg"] = e.qr_svg;
  return http::Response::Json(out);
}

http::Response ConfirmTotp(Context& ctx) {
  Body b(ParseJsonObject(ctx.req.body));
  const auto code = b.Str("code", true, 16);
  b.Done({"code"});

  auth::ConfirmTotpEnrollment(*ctx.app.db, ctx.app.config, ctx.actor(), ctx.user(), *code);
  return http::Response::NoContent();
}

}  // namespace

void RegisterAuthRoutes(http::Router& r) {
  r.Add("POST", "/api/v1/auth/login", Login, "Log in", "auth", http::Access::kPublic);
  r.Add("POST", "/api/v1/auth/logout", Logout, "Log out (revoke this session)", "auth");
  r.Add("GET", "/api/v1/me", Me, "The signed-in user", "auth");
  r.Add("POST", "/api/v1/auth/password", ChangePassword, "Change the own password", "auth");
  r.Add("POST", "/api/v1/auth/totp/enroll", EnrollTotp, "Start TOTP enrolment", "auth");
  r.Add("POST", "/api/v1/auth/totp/confirm", ConfirmTotp, "Finish TOTP enrolment", "auth");
}

}  // namespace anxun::api
