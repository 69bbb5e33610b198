// The list conventions every list endpoint shares: `page` from 1, `page_size`
// up to 200 (default 20), `sort=field` or `sort=-field` (several separated by
// commas) from an allow-list; answers {"items", "total", "page", "page_size"}.
#pragma once

#include "db/query.h"
#include "http/request.h"

#include <boost/json.hpp>

#include <string_view>
#include <utility>
#include <vector>

namespace anxun::api {

// Sortable fields: the name the client sends and the SQL expression it maps to.
using SortFields = std::vector<std::pair<std::string_view, std::string_view>>;

constexpr int kMaxPageSize = 200;

// Reads page, page_size and sort; throws 400 `validation_failed` on bad
// values. `default_sort` is the SQL order used when the client sends none;
// the record id is always appended as a tie-breaker so pages never overlap.
db::Page ParsePage(const http::Request& req, const SortFields& fields,
                   std::string_view default_sort, std::string_view id_column = "id");

boost::json::object ListBody(boost::json::array items, int64_t total, const db::Page& page);

// Optional integer / boolean query filters; 400 on a malformed value.
std::optional<int64_t> QueryInt(const http::Request& req, std::string_view key);
std::optional<bool> QueryBool(const http::Request& req, std::string_view key);
// An RFC 3339 filter value as epoch ms; 400 when malformed.
std::optional<int64_t> QueryTime(const http::Request& req, std::string_view key);

}  // namespace anxun::api
