#include "hazard/saved_filters.h"

#include "common/clock.h"
#include "common/error.h"

namespace anxun::hazard {
namespace {

constexpr const char* kSelect =
    "SELECT id, name, query, created_at FROM hazard_saved_filters WHERE user_id = ?";

boost::json::object FromRow(const db::Row& r) {
  return {{"id", r.Int(0)},
          {"name", r.Str(1)},
          {"query", r.Str(2)},
          {"created_at", FormatRfc3339(r.Int(3))}};
}

}  // namespace

boost::json::array ListSavedFilters(db::Conn& c, int64_t user_id) {
  boost::json::array out;
  for (const auto& r : c.Query(std::string(kSelect) + " ORDER BY name, id", {user_id})) {
    out.push_back(FromRow(r));
  }
  return out;
}

boost::json::object SaveFilter(db::Conn& c, int64_t user_id, Body& b) {
  auto name = b.Str("name", true, 100);
  auto query = b.Str("query", true, 2000);
  if (query && (query->starts_with("?") || query->find_first_of("\r\n#") != std::string::npos)) {
    b.Fail("query", "应为不含 ? 的查询串 / a query string without '?'");
  }
  b.Done({"name", "query"});
  if (c.QueryInt("SELECT id FROM hazard_saved_filters WHERE user_id = ? AND name = ?",
                 {user_id, *name})) {
    throw Conflict("duplicate_name", "已有同名筛选 / a filter with this name exists",
                   {{"field", "name"}});
  }
  const int64_t count =
      c.QueryInt("SELECT COUNT(*) FROM hazard_saved_filters WHERE user_id = ?", {user_id})
          .value_or(0);
  if (count >= kMaxSavedFilters) {
    throw BadRequest("too_many_filters", "最多保存 50 个筛选 / at most 50 saved filters");
  }
  const int64_t id = c.Insert(
      "INSERT INTO hazard_saved_filters (user_id, name, query, created_at) "
      "VALUES (?, ?, ?, ?) RETURNING id",
      {user_id, *name, *query, NowMs()});
  return FromRow(*c.QueryOne(std::string(kSelect) + " AND id = ?", {user_id, id}));
}

boost::json::object DeleteSavedFilter(db::Conn& c, int64_t user_id, int64_t id) {
  auto row = c.QueryOne(std::string(kSelect) + " AND id = ?", {user_id, id});
  if (!row) throw NotFound("filter");
  c.Exec("DELETE FROM hazard_saved_filters WHERE id = ?", {id});
  return FromRow(*row);
}

}  // namespace anxun::hazard
