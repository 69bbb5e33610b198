// Health, metrics and the API description.
#include "api/app.h"
#include "api/context.h"
#include "api/openapi.h"
#include "api/routes.h"
#include "common/version.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace anxun::api {
namespace {

http::Response Health(Context& ctx) {
  const bool db_ok = ctx.app.db->Ping();
  boost::json::object body{{"status", db_ok ? "ok" : "degraded"},
                           {"database", db_ok ? "reachable" : "unreachable"}};
  return http::Response::Json(body, db_ok ? 200 : 503);
}

std::string BuildInfo() {
  return fmt::format(
      "# HELP anxun_build_info The running build.\n# TYPE anxun_build_info gauge\n"
      "anxun_build_info{{version=\"{}\",revision=\"{}\"}} 1\n",
      Version(), GitRevision());
}

http::Response MetricsText(Context& ctx) {
  const auto s = ctx.app.db->stats();
  std::string out = ctx.app.metrics.Render();
  out += fmt::format(
      "# HELP anxun_db_writes_total Write jobs run by the database writer.\n"
      "# TYPE anxun_db_writes_total counter\nanxun_db_writes_total {}\n"
      "# HELP anxun_db_commits_total Group commits (each holds one or more writes).\n"
      "# TYPE anxun_db_commits_total counter\nanxun_db_commits_total {}\n"
      "# HELP anxun_db_write_queue Write jobs waiting for the writer.\n"
      "# TYPE anxun_db_write_queue gauge\nanxun_db_write_queue {}\n"
      "# HELP anxun_db_readers Reader connections in the pool.\n"
      "# TYPE anxun_db_readers gauge\nanxun_db_readers {}\n"
      "# HELP anxun_db_readers_busy Reader connections in use.\n"
      "# TYPE anxun_db_readers_busy gauge\nanxun_db_readers_busy {}\n",
      s.writes, s.commits, s.queue_depth, s.readers, s.readers_busy);
  out += BuildInfo();
  return http::Response::Bytes(std::move(out), "text/plain; version=0.0.4; charset=utf-8");
}

http::Response OpenApi(Context&) {
  static const std::string doc = boost::json::serialize(OpenApiDocument());
  return http::Response::Bytes(doc, "application/json; charset=utf-8");
}

}  // namespace

void RegisterSystemRoutes(http::Router& r) {
  r.Add("GET", "/healthz", Health, "Process up and database reachable", "system",
        http::Access::kPublic);
  r.Add("GET", "/metrics", MetricsText, "Prometheus metrics", "system", http::Access::kPublic);
  r.Add("GET", "/api/v1/openapi.json", OpenApi, "This document", "system", http::Access::kPublic);
}

}  // namespace anxun::api
