// The audit administrator's view of the audit trail: search and CSV export.
// Entries are never changed or deleted through the API (there is no route
// for it, and the database refuses it).
#include "api/app.h"
#include "api/context.h"
#include "api/list.h"
#include "api/routes.h"
#include "audit/export.h"
#include "audit/search.h"
#include "common/clock.h"
#include "common/error.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace anxun::api {
namespace {

const SortFields kSortFields = {
    {"seq", "seq"},
    {"at", "at"},
    {"actor", "actor_name"},
    {"action", "action"},
    {"object_type", "object_type"},
};

std::optional<std::string> QueryText(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

audit::Filter ParseFilter(const http::Request& req) {
  audit::Filter f;
  f.actor = QueryText(req, "actor");
  f.action = QueryText(req, "action");
  f.object_type = QueryText(req, "object_type");
  f.object_id = QueryText(req, "object_id");
  f.from = QueryTime(req, "from");
  f.to = QueryTime(req, "to");
  if (f.from && f.to && *f.from > *f.to) {
    FieldErrors e;
    e.Add("to", "不能早于开始时间 / must not be before from");
    e.ThrowIfAny();
  }
  return f;
}

// A stored before/after text as JSON; the raw text if it ever fails to parse.
boost::json::value StoredJson(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec) return boost::json::string(*text);
  return v;
}

boost::json::object ItemJson(const audit::StoredEntry& e) {
  boost::json::object o;
  o["seq"] = e.seq;
  o["at"] = FormatRfc3339(e.at);
  o["actor_id"] = e.actor_id ? boost::json::value(*e.actor_id) : boost::json::value(nullptr);
  o["actor_name"] = e.actor_name;
  o["ip"] = e.ip;
  o["action"] = e.action;
  o["object_type"] = e.object_type;
  o["object_id"] = e.object_id;
  o["before"] = StoredJson(e.before_json);
  o["after"] = StoredJson(e.after_json);
  o["request_id"] = e.request_id;
  return o;
}

// "20261203T100000Z": the time in a file name, without characters Windows refuses.
std::string FileStamp(int64_t ms) {
  std::string stamp;
  for (char ch : FormatRfc3339(ms - ms % 1000)) {
    if (ch != '-' && ch != ':') stamp += ch;
  }
  return stamp;
}

// The filters as the client sent them, for the export's own audit entry.
boost::json::object FilterJson(const http::Request& req) {
  boost::json::object o;
  for (const char* key : {"actor", "action", "object_type", "object_id", "from", "to"}) {
    if (auto v = QueryText(req, key)) o[key] = *v;
  }
  return o;
}

http::Response ListAudit(Context& ctx) {
  ctx.user().Require("audit.view");
  const audit::Filter filter = ParseFilter(ctx.req);
  const db::Page page = ParsePage(ctx.req, kSortFields, "seq DESC", "seq");

  boost::json::array items;
  const int64_t total = ctx.app.db->Read([&](db::Conn& c) {
    for (const auto& e : audit::FindEntries(c, filter, page))
      items.push_back(ItemJson(e));
    return audit::CountEntries(c, filter);
  });
  return http::Response::Json(ListBody(std::move(items), total, page));
}

http::Response ExportAudit(Context& ctx) {
  ctx.user().Require("audit.export");
  const auto format = QueryText(ctx.req, "format");
  if (format && *format != "csv") {
    FieldErrors e;
    e.Add("format", "只支持 csv / only csv is supported");
    e.ThrowIfAny();
  }
  const audit::Filter filter = ParseFilter(ctx.req);

  int64_t rows = 0;
  std::string csv =
      ctx.app.db->Read([&](db::Conn& c) { return audit::ExportCsv(c, filter, rows); });

  boost::json::object after{{"format", "csv"}, {"filters", FilterJson(ctx.req)}, {"rows", rows}};
  ctx.app.db->Write([&](db::Conn& c) {
    audit::Append(c, ctx.actor(), {"audit.export", "audit_log", "", nullptr, std::move(after)});
  });

  http::Response r = http::Response::Bytes(std::move(csv), "text/csv; charset=utf-8");
  r.SetHeader("Content-Disposition",
              fmt::format("attachment; filename=\"audit-{}.csv\"", FileStamp(NowMs())));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

void RegisterAuditRoutes(http::Router& r) {
  r.Add("GET", "/api/v1/audit", ListAudit, "Search the audit trail", "audit");
  r.Add("GET", "/api/v1/audit/export", ExportAudit, "Export the audit trail as CSV", "audit");
}

}  // namespace anxun::api
