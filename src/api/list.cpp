#include "api/list.h"

#include "common/clock.h"
#include "common/error.h"

#include <fmt/format.h>
#include <charconv>

namespace anxun::api {
namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

db::Page ParsePage(const http::Request& req, const SortFields& fields,
                   std::string_view default_sort, std::string_view id_column) {
  FieldErrors errors;
  db::Page page;
  if (auto p = req.Query("page")) {
    auto v = ParseInt(*p);
    if (!v || *v < 1 || *v > 1000000)
      errors.Add("page", "应为正整数 / must be a positive integer");
    else
      page.page = static_cast<int>(*v);
  }
  if (auto p = req.Query("page_size")) {
    auto v = ParseInt(*p);
    if (!v || *v < 1 || *v > kMaxPageSize) {
      errors.Add("page_size",
                 fmt::format("应为 1 到 {} / must be 1..{}", kMaxPageSize, kMaxPageSize));
    } else {
      page.page_size = static_cast<int>(*v);
    }
  }
  std::string order;
  if (auto s = req.Query("sort"); s && !s->empty()) {
    std::string_view rest = *s;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string_view key = rest.substr(0, comma);
      const bool desc = !key.empty() && key.front() == '-';
      if (desc || (!key.empty() && key.front() == '+')) key.remove_prefix(1);
      bool found = false;
      for (const auto& [name, sql] : fields) {
        if (name == key) {
          order += fmt::format("{}{} {}", order.empty() ? "" : ", ", sql, desc ? "DESC" : "ASC");
          found = true;
        }
      }
      if (!found) errors.Add("sort", fmt::format("不能按 {} 排序 / cannot sort by {}", key, key));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  errors.ThrowIfAny();
  if (order.empty()) order = std::string(default_sort);
  if (order.find(std::string(id_column)) == std::string::npos || order.empty()) {
    order += fmt::format("{}{} ASC", order.empty() ? "" : ", ", id_column);
  }
  page.order_by = order;
  return page;
}

boost::json::object ListBody(boost::json::array items, int64_t total, const db::Page& page) {
  boost::json::object out;
  out["items"] = std::move(items);
  out["total"] = total;
  out["page"] = page.page;
  out["page_size"] = page.page_size;
  return out;
}

std::optional<int64_t> QueryInt(const http::Request& req, std::string_view key) {
  auto s = req.Query(key);
  if (!s || s->empty()) return std::nullopt;
  auto v = ParseInt(*s);
  if (!v) {
    FieldErrors e;
    e.Add(key, "应为整数 / must be an integer");
    e.ThrowIfAny();
  }
  return v;
}

std::optional<bool> QueryBool(const http::Request& req, std::string_view key) {
  auto s = req.Query(key);
  if (!s || s->empty()) return std::nullopt;
  if (*s == "true" || *s == "1") return true;
  if (*s == "false" || *s == "0") return false;
  FieldErrors e;
  e.Add(key, "应为 true 或 false / must be true or false");
  e.ThrowIfAny();
  return std::nullopt;
}

std::optional<int64_t> QueryTime(const http::Request& req, std::string_view key) {
  auto s = req.Query(key);
  if (!s || s->empty()) return std::nullopt;
  auto v = ParseRfc3339(*s);
  if (!v) {
    FieldErrors e;
    e.Add(key, "应为 RFC 3339 时间 / must be an RFC 3339 time");
    e.ThrowIfAny();
  }
  return v;
}

}  // namespace anxun::api
