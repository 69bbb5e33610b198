// HTTP routes of alert routing and notifications: the routing rules and
// escalation policy of an org unit (alert.configure, audited, 404 outside
// the caller's scope) and the caller's own notification feed (any signed-in
// user; only their own rows, so no scope applies).
#include "alert/notifications.h"
#include "alert/routing_config.h"
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"

namespace anxun::api {
namespace {

using http::Response;

constexpr int64_t kDefaultLimit = 50;
constexpr size_t kMaxReadIds = 1000;

Response GetRouting(Context& ctx) {
  const auto& scope = ctx.user().Require("alert.configure");
  const int64_t unit = ctx.req.IdParam();
  auto json =
      ctx.app.db->Read([&](db::Conn& c) { return alert::RoutingConfigJson(c, scope, unit); });
  return Response::Json(json);
}

Response PutRouting(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require("alert.configure");
  const int64_t unit = ctx.req.IdParam();
  const auto body = ParseJsonObject(ctx.req.body);
  const int64_t now = NowMs();
  auto json = ctx.app.db->Write([&](db::Conn& c) {
    auto [before, after] = alert::PutRoutingConfig(c, scope, unit, body, user.user_id, now);
    audit::Append(c, ctx.actor(),
                  {"alert_routing.update", "org_unit", std::to_string(unit), before, after});
    return alert::RoutingConfigJson(c, scope, unit);
  });
  return Response::Json(json);
}

Response ListNotifications(Context& ctx) {
  const int64_t user = ctx.user().user_id;
  const int64_t after = QueryInt(ctx.req, "after").value_or(0);
  const int64_t limit = QueryInt(ctx.req, "limit").value_or(kDefaultLimit);
  if (after < 0 || limit < 1 || limit > alert::kMaxNotificationPage) {
    FieldErrors errors;
    errors.Add(after < 0 ? "after" : "limit", "超出范围 / out of range");
    errors.ThrowIfAny();
  }
  auto json = ctx.app.db->Read([&](db::Conn& c) {
    boost::json::array items;
    for (const auto& n : alert::ListNotifications(c, user, after, limit))
      items.push_back(alert::NotificationJson(n));
    return boost::json::object{{"items", std::move(items)},
                               {"unread", alert::UnreadCount(c, user)},
                               {"last_id", alert::LastNotificationId(c, user)}};
  });
  return Response::Json(json);
}

Response MarkRead(Context& ctx) {
  const int64_t user = ctx.user().user_id;
  Body body(ParseJsonObject(ctx.req.body));
  const auto ids = body.IntList("ids");
  const auto all = body.Bool("all");
  if (!ids && !all.value_or(false)) body.Fail("ids", "请给出 ids 或 all: true / give ids or all");
  if (ids && ids->size() > kMaxReadIds) body.Fail("ids", "至多 1000 个 / at most 1000");
  body.Done({"ids", "all"});
  const int64_t now = NowMs();
  auto json = ctx.app.db->Write([&](db::Conn& c) {
    const bool everything = all.value_or(false);
    const int64_t updated = alert::MarkRead(c, user, everything ? std::nullopt : ids, now);
    boost::json::object after{{"updated", updated}};
    after["ids"] = everything ? boost::json::value("all") : boost::json::value_from(*ids);
    audit::Append(c, ctx.actor(),
                  {"notification.read", "user", std::to_string(user), nullptr, after});
    return boost::json::object{{"updated", updated}, {"unread", alert::UnreadCount(c, user)}};
  });
  return Response::Json(json);
}

}  // namespace

void RegisterAlertRoutingRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/org-units/{id}/alert-routing", GetRouting,
        "Routing rules and escalation policy of an org unit (effective and own)", "alert");
  r.Add("PUT", "/api/v1/org-units/{id}/alert-routing", PutRouting,
        "Set or clear an org unit's own routing rules and escalation policy per level", "alert");
  r.Add("GET", "/api/v1/notifications", ListNotifications,
        "The caller's notifications after a sequence number", "alert");
  r.Add("POST", "/api/v1/notifications/read", MarkRead, "Mark the caller's notifications read",
        "alert");
}

}  // namespace anxun::api
