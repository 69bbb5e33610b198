// The real-time channel's endpoint: GET /api/v1/ws upgrades to a WebSocket
// for a logged-in user (see push/hub.h for what travels on it). A plain GET
// answers 426.
#include "api/routes_push.h"

#include "api/context.h"
#include "api/dispatch.h"
#include "api/routes.h"
#include "auth/session.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "push/origin.h"

#include <boost/json.hpp>

#include <chrono>

namespace anxun::api {
namespace {

constexpr std::string_view kPath = "/api/v1/ws";
constexpr std::string_view kProtocol = "anxun.v1";
constexpr std::string_view kBearerProtocol = "bearer.";

// The subprotocols the client offered, split on commas.
std::vector<std::string_view> OfferedProtocols(const http::Request& req) {
  std::vector<std::string_view> out;
  std::string_view all = req.Header("sec-websocket-protocol");
  while (!all.empty()) {
    const size_t comma = all.find(',');
    std::string_view item = all.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    all.remove_prefix(comma + 1);
  }
  return out;
}

// A token given by a non-browser client (browsers cannot set headers on a
// WebSocket handshake, so they use the session cookie).
std::string GivenToken(const http::Request& req) {
  for (std::string_view p : OfferedProtocols(req)) {
    if (p.starts_with(kBearerProtocol)) return std::string(p.substr(kBearerProtocol.size()));
  }
  std::string_view authz = req.Header("authorization");
  if (authz.starts_with("Bearer ") || authz.starts_with("bearer ")) {
    return std::string(authz.substr(7));
  }
  return req.Query("access_token").value_or("");
}

// With the cookie, the browser must show that the page is ours; a token
// cannot be ridden cross-site, but a wrong Origin is refused all the same.
void CheckOrigin(const http::Request& req, bool via_cookie) {
  const std::string_view origin = req.Header("origin");
  if (origin.empty() && !via_cookie) return;
  const std::string_view forwarded = req.Header("x-forwarded-host");
  const std::string_view host = req.Header("host");
  if (push::SameOrigin(origin, host) ||
      (!forwarded.empty() && push::SameOrigin(origin, forwarded.substr(0, forwarded.find(','))))) {
    return;
  }
  throw ApiError(403, "origin_refused",
                 "来源不被允许 / the page's origin may not open this channel");
}

auth::Principal Authenticate(App& app, const http::Request& req) {
  const std::string token = GivenToken(req);
  const std::string cookie = req.Cookie(auth::kSessionCookie);
  auto p = auth::AuthenticateSession(*app.db, app.config, token.empty() ? cookie : token);
  if (!p) throw Unauthenticated();
  p->via_cookie = token.empty();
  if (p->restricted) {
    throw ApiError(403, "password_change_required",
                   "请先修改密码 / you must change your password first");
  }
  return *p;
}

std::string ChosenProtocol(const http::Request& req) {
  for (std::string_view p : OfferedProtocols(req)) {
    if (p == kProtocol) return std::string(p);
  }
  return "";
}

http::Upgrade Refusal(const ApiError& e, const std::string& request_id) {
  boost::json::object err;
  err["code"] = e.code();
  err["message"] = e.what();
  err["details"] = e.details();
  err["request_id"] = request_id;
  http::Upgrade up;
  up.response = http::Response::Json(boost::json::object{{"error", std::move(err)}}, e.status());
  up.response.SetHeader("X-Request-Id", request_id);
  up.response.SetHeader("Cache-Control", "no-store");
  return up;
}

http::Upgrade Accept(App& app, push::Hub& hub, http::Request& req) {
  CheckOrigin(req, GivenToken(req).empty());
  const auth::Principal p = Authenticate(app, req);
  auto slot = hub.Reserve(p.user_id);
  if (!slot) {
    throw ApiError(429, "too_many_connections",
                   "打开的页面过多 / too many open connections for this account");
  }
  http::Upgrade up;
  up.protocol = ChosenProtocol(req);
  up.open = [&hub, slot, session = p.session_id](std::shared_ptr<http::WebSocket> ws) {
    return hub.Attach(slot, std::move(ws), session);
  };
  return up;
}

http::Response PlainGet(Context&) {
  throw ApiError(426, "upgrade_required",
                 "请使用 WebSocket 连接 / connect with a WebSocket (Upgrade: websocket)");
}

}  // namespace

http::Upgrade DecideUpgrade(App& app, push::Hub& hub, http::Request& req) {
  if (req.path != kPath || req.method != "GET") return {Dispatch(app, req), "", nullptr};
  const auto start = std::chrono::steady_clock::now();
  req.request_id = HexEncode(RandomBytes(8));
  http::Upgrade up;
  try {
    up = Accept(app, hub, req);
  } catch (const ApiError& e) {
    up = Refusal(e, req.request_id);
  } catch (const std::exception& e) {
    spdlog::error("request {}: websocket upgrade failed ({})", req.request_id, e.what());
    up =
        Refusal(ApiError(500, "internal_error", "服务器内部错误 / internal error"), req.request_id);
  }
  const int status = up.open ? 101 : up.response.status;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  app.metrics.Observe(req.method, std::string(kPath), status, secs);
  spdlog::info("http {} {} {} {} {:.1f}ms rid={}", req.remote_ip, req.method, req.path, status,
               secs * 1000, req.request_id);
  return up;
}

void RegisterPushRoutes(http::Router& r) {
  r.Add("GET", std::string(kPath), PlainGet,
        "Real-time notifications over a WebSocket (Upgrade: websocket)", "push",
        http::Access::kPublic);
}

}  // namespace anxun::api
