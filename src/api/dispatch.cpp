#include "api/dispatch.h"

#include "api/context.h"
#include "auth/session.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <chrono>

namespace anxun::api {
namespace {

constexpr const char* kCsp =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self' ws: wss:; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

// Routes a session that must change its password (or enrol TOTP) may still use.
bool AllowedWhileRestricted(std::string_view pattern) {
  return pattern == "/api/v1/me" || pattern == "/api/v1/auth/password" ||
         pattern == "/api/v1/auth/logout" || pattern == "/api/v1/auth/totp/enroll" ||
         pattern == "/api/v1/auth/totp/confirm";
}

bool IsSafeMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

std::string RequestId(const http::Request& req) {
  const std::string_view given = req.Header("x-request-id");
  bool ok = !given.empty() && given.size() <= 64;
  for (char ch : given) {
    ok =
        ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.');
  }
  return ok ? std::string(given) : HexEncode(RandomBytes(8));
}

http::Response ErrorResponse(const ApiError& e, const std::string& request_id) {
  boost::json::object err;
  err["code"] = e.code();
  err["message"] = e.what();
  err["details"] = e.details();
  err["request_id"] = request_id;
  return http::Response::Json(boost::json::object{{"error", std::move(err)}}, e.status());
}

// Finds the caller from "Authorization: Bearer" or the web cookie.
std::optional<auth::Principal> Authenticate(App& app, const http::Request& req) {
  std::string_view authz = req.Header("authorization");
  if (authz.size() > 7 && (authz.starts_with("Bearer ") || authz.starts_with("bearer "))) {
    auto p = auth::AuthenticateSession(*app.db, app.config, authz.substr(7));
    if (p) p->via_cookie = false;
    return p;
  }
  const std::string cookie = req.Cookie("anxun_session");
  if (cookie.empty()) return std::nullopt;
  auto p = auth::AuthenticateSession(*app.db, app.config, cookie);
  if (p) p->via_cookie = true;
  return p;
}

http::Response RunRoute(App& app, http::Request& req, const http::Route& route) {
  Context ctx{req, app, std::nullopt, {}};
  if (route.access == http::Access::kAuthenticated) {
    ctx.principal = Authenticate(app, req);
    if (!ctx.principal) throw Unauthenticated();
    if (ctx.principal->via_cookie && !IsSafeMethod(req.method)) {
      const std::string_view sent = req.Header("x-csrf-token");
      if (sent.empty() || !ConstantTimeEquals(sent, ctx.principal->csrf_token)) {
        throw ApiError(403, "csrf_failed", "CSRF 校验失败，请刷新页面 / CSRF check failed");
      }
    }
    if (ctx.principal->restricted && !AllowedWhileRestricted(route.pattern)) {
      throw ApiError(403, "password_change_required",
                     "请先修改密码 / you must change your password first");
    }
  }
  if (!req.body.empty() && !route.upload) {
    const std::string_view type = req.Header("content-type");
    if (!type.empty() && type.find("application/json") == std::string_view::npos) {
      throw ApiError(415, "unsupported_media_type",
                     "请求内容应为 application/json / body must be application/json");
    }
  }
  http::Response res = route.handler(ctx);
  for (auto& h : ctx.extra_headers)
    res.headers.push_back(std::move(h));
  return res;
}

http::Response Route(App& app, http::Request& req, std::string& route_label) {
  if (req.path.empty()) throw BadRequest("bad_path", "无效的路径 / invalid path");
  const bool api =
      req.path.starts_with("/api/") || req.path == "/healthz" || req.path == "/metrics";
  if (!api) {
    route_label = "static";
    if (!app.web) throw NotFound("page");
    return app.web->Serve(req);
  }
  bool path_matched = false;
  const http::Route* route = app.router.Match(req.method, req.path, req.path_params, path_matched);
  if (!route) {
    route_label = "unmatched";
    if (path_matched)
      throw ApiError(405, "method_not_allowed", "不支持的方法 / method not allowed");
    throw NotFound("resource");
  }
  route_label = route->pattern;
  return RunRoute(app, req, *route);
}

void AddCommonHeaders(http::Response& res, const http::Request& req) {
  res.SetHeader("X-Request-Id", req.request_id);
  res.SetHeader("Content-Security-Policy", kCsp);
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("X-Frame-Options", "DENY");
  res.SetHeader("Referrer-Policy", "same-origin");
  bool has_cache = false;
  for (const auto& [k, v] : res.headers)
    has_cache = has_cache || k == "Cache-Control";
  if (!has_cache) res.SetHeader("Cache-Control", "no-store");
}

}  // namespace

http::Response Dispatch(App& app, http::Request& req) {
  const auto start = std::chrono::steady_clock::now();
  req.request_id = RequestId(req);
  std::string route_label = "unmatched";
  http::Response res;
  try {
    res = Route(app, req, route_label);
  } catch (const ApiError& e) {
    res = ErrorResponse(e, req.request_id);
  } catch (const db::DbError& e) {
    if (e.constraint()) {
      spdlog::info("request {}: constraint violated ({})", req.request_id, e.what());
      res = ErrorResponse(Conflict("constraint_violation",
                                   "与现有记录冲突 / conflicts with an "
                                   "existing record"),
                          req.request_id);
    } else {
      spdlog::error("request {}: database error ({})", req.request_id, e.what());
      res = ErrorResponse(ApiError(500, "internal_error", "服务器内部错误 / internal error"),
                          req.request_id);
    }
  } catch (const std::exception& e) {
    spdlog::error("request {}: {} {} failed ({})", req.request_id, req.method, route_label,
                  e.what());
    res = ErrorResponse(ApiError(500, "internal_error", "服务器内部错误 / internal error"),
                        req.request_id);
  }
  AddCommonHeaders(res, req);

  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  app.metrics.Observe(req.method, route_label, res.status, secs);
  spdlog::info("http {} {} {} {} {:.1f}ms rid={}", req.remote_ip, req.method, req.path, res.status,
               secs * 1000, req.request_id);
  return res;
}

bool IsUploadRoute(const App& app, std::string_view method, std::string_view path) {
  std::unordered_map<std::string, std::string> params;
  bool path_matched = false;
  const auto* route = app.router.Match(method, path, params, path_matched);
  return route && route->upload;
}

}  // namespace anxun::api
