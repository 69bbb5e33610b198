// HTTP routes of alert delivery: the channels of each org unit (robots,
// webhooks, mail), a test message to one of them, and the delivery log with
// an administrator's retry. Everything needs alert.configure and stays in its
// scope (404 outside). Secrets never leave masked (alert::ChannelJson), in
// answers and in the audit trail alike.
#include "alert/channels.h"
#include "alert/delivery.h"
#include "alert/delivery_log.h"
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"

#include <algorithm>
#include <atomic>

namespace anxun::api {
namespace {

using http::Response;

constexpr const char* kPermission = "alert.configure";
// Test messages block their request thread for up to the send timeout; keep
// most request threads free for everything else.
constexpr int kMaxTestsAtOnce = 4;
std::atomic<int> g_tests_running{0};

const alert::DeliveryOptions& Options() {
  static const alert::DeliveryOptions o = alert::DeliveryOptionsFromEnv();
  return o;
}

std::optional<std::string> QueryText(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::optional<std::string> QueryEnum(const http::Request& req, std::string_view key,
                                     const std::vector<std::string_view>& allowed) {
  auto v = QueryText(req, key);
  if (v && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    FieldErrors errors;
    errors.Add(key, "未知取值 / unknown value");
    errors.ThrowIfAny();
  }
  return v;
}

void Audit(db::Conn& c, const Context& ctx, std::string action, std::string type, int64_t id,
           boost::json::value before, boost::json::value after) {
  audit::Append(c, ctx.actor(),
                {std::move(action), std::move(type), std::to_string(id), std::move(before),
                 std::move(after)});
}

// ---- channels ---------------------------------------------------------------------

Response ListChannels(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  alert::ChannelFilter f;
  f.org_unit_id = QueryInt(ctx.req, "org_unit_id");
  f.kind = QueryEnum(ctx.req, "kind", alert::ChannelKinds());
  f.enabled = QueryBool(ctx.req, "enabled");
  auto rows = ctx.app.db->Read([&](db::Conn& c) { return alert::ListChannels(c, scope, f); });
  boost::json::array items;
  for (const auto& ch : rows)
    items.push_back(alert::ChannelJson(ch));
  boost::json::object out;
  out["total"] = static_cast<int64_t>(items.size());
  out["items"] = std::move(items);
  return Response::Json(out);
}

Response GetChannel(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  const int64_t id = ctx.req.IdParam();
  auto ch = ctx.app.db->Read([&](db::Conn& c) { return alert::GetChannelInScope(c, scope, id); });
  return Response::Json(alert::ChannelJson(ch));
}

Response CreateChannel(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require(kPermission);
  Body body(ParseJsonObject(ctx.req.body));
  const int64_t now = NowMs();
  auto ch = ctx.app.db->Write([&](db::Conn& c) {
    auto created = alert::CreateChannel(c, user, scope, body, now);
    Audit(c, ctx, "channel.create", "channel", created.id, nullptr, alert::ChannelJson(created));
    return created;
  });
  return Response::Json(alert::ChannelJson(ch), 201);
}

Response UpdateChannel(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  const int64_t id = ctx.req.IdParam();
  Body body(ParseJsonObject(ctx.req.body));
  const int64_t now = NowMs();
  auto ch = ctx.app.db->Write([&](db::Conn& c) {
    auto [before, after] = alert::UpdateChannel(c, scope, id, body, now);
    Audit(c, ctx, "channel.update", "channel", id, alert::ChannelJson(before),
          alert::ChannelJson(after));
    return after;
  });
  return Response::Json(alert::ChannelJson(ch));
}

Response DeleteChannel(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  const int64_t id = ctx.req.IdParam();
  const int64_t now = NowMs();
  ctx.app.db->Write([&](db::Conn& c) {
    auto before = alert::DeleteChannel(c, scope, id, now);
    Audit(c, ctx, "channel.delete", "channel", id, alert::ChannelJson(before), nullptr);
  });
  return Response::NoContent();
}

// Sends at once and answers the outcome; the send is bounded by the delivery
// timeouts and at most kMaxTestsAtOnce run together.
Response TestChannel(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const auto& scope = user.Require(kPermission);
  const int64_t id = ctx.req.IdParam();
  auto ch = ctx.app.db->Read([&](db::Conn& c) { return alert::GetChannelInScope(c, scope, id); });
  if (g_tests_running.fetch_add(1) >= kMaxTestsAtOnce) {
    g_tests_running.fetch_sub(1);
    throw ApiError(429, "too_many_tests", "测试发送过多，请稍后再试 / too many tests, try later");
  }
  boost::json::object result;
  try {
    result = alert::SendTestMessage(*ctx.app.db, ch, user, Options());
  } catch (...) {
    g_tests_running.fetch_sub(1);
    throw;
  }
  g_tests_running.fetch_sub(1);
  ctx.app.db->Write([&](db::Conn& c) {
    Audit(c, ctx, "channel.test", "channel", id, nullptr,
          boost::json::object{{"delivery_id", result.at("delivery_id")},
                              {"ok", result.at("ok")},
                              {"status", result.at("status")}});
  });
  return Response::Json(result);
}

// ---- the delivery log -----------------------------------------------------------

Response ListDeliveries(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  alert::DeliveryFilter f;
  f.state = QueryEnum(ctx.req, "state", alert::DeliveryStates());
  f.channel_id = QueryInt(ctx.req, "channel_id");
  f.alert_id = QueryInt(ctx.req, "alert_id");
  f.notice_id = QueryInt(ctx.req, "notice_id");
  f.org_unit_id = QueryInt(ctx.req, "org_unit_id");
  f.test = QueryBool(ctx.req, "test");
  const db::Page page = ParsePage(ctx.req, alert::DeliverySortFields(), "d.id DESC", "d.id");
  auto list =
      ctx.app.db->Read([&](db::Conn& c) { return alert::ListDeliveries(c, scope, f, page); });
  return Response::Json(ListBody(std::move(list.items), list.total, page));
}

Response GetDelivery(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  const int64_t id = ctx.req.IdParam();
  auto j = ctx.app.db->Read([&](db::Conn& c) { return alert::DeliveryDetail(c, scope, id); });
  return Response::Json(j);
}

Response RetryDelivery(Context& ctx) {
  const auto& scope = ctx.user().Require(kPermission);
  const int64_t id = ctx.req.IdParam();
  const int64_t now = NowMs();
  ctx.app.db->Write([&](db::Conn& c) {
    auto [before, after] = alert::RetryDelivery(c, scope, id, now);
    Audit(c, ctx, "delivery.retry", "delivery", id, std::move(before), std::move(after));
  });
  auto j = ctx.app.db->Read([&](db::Conn& c) { return alert::DeliveryDetail(c, scope, id); });
  return Response::Json(j);
}

}  // namespace

void RegisterAlertDeliveryRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/channels", ListChannels, "List alert channels in scope", "alert");
  r.Add("POST", "/api/v1/channels", CreateChannel, "Create an alert channel", "alert");
  r.Add("GET", "/api/v1/channels/{id}", GetChannel, "Get an alert channel (secrets masked)",
        "alert");
  r.Add("PATCH", "/api/v1/channels/{id}", UpdateChannel, "Change an alert channel", "alert");
  r.Add("DELETE", "/api/v1/channels/{id}", DeleteChannel, "Delete an alert channel", "alert");
  r.Add("POST", "/api/v1/channels/{id}/test", TestChannel,
        "Send a test message now and answer the outcome", "alert");
  r.Add("GET", "/api/v1/deliveries", ListDeliveries, "The delivery log", "alert");
  r.Add("GET", "/api/v1/deliveries/{id}", GetDelivery, "One delivery with its tries", "alert");
  r.Add("POST", "/api/v1/deliveries/{id}/retry", RetryDelivery, "Queue a failed delivery again",
        "alert");
}

}  // namespace anxun::api
