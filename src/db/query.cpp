#include "db/query.h"

#include <fmt/format.h>

namespace anxun::db {

Where& Where::Add(std::string clause, Params params) {
  clauses_.push_back(std::move(clause));
  for (auto& p : params)
    params_.push_back(std::move(p));
  return *this;
}

Where& Where::In(std::string_view column, const std::vector<int64_t>& ids) {
  if (ids.empty()) {
    clauses_.emplace_back("1 = 0");
    return *this;
  }
  std::string clause = fmt::format("{} IN (", column);
  for (size_t i = 0; i < ids.size(); ++i) {
    clause += i ? ", ?" : "?";
    params_.emplace_back(ids[i]);
  }
  clauses_.push_back(clause + ")");
  return *this;
}

Where& Where::Search(const std::vector<std::string_view>& columns, std::string_view text) {
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
    pattern.push_back(ch);
  }
  pattern += "%";
  std::string clause = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    clause += fmt::format("{}LOWER({}) LIKE LOWER(?) ESCAPE '\\'", i ? " OR " : "", columns[i]);
    params_.emplace_back(pattern);
  }
  clauses_.push_back(clause + ")");
  return *this;
}

std::string Where::Sql() const {
  if (clauses_.empty()) return {};
  std::string out = " WHERE ";
  for (size_t i = 0; i < clauses_.size(); ++i) {
    if (i) out += " AND ";
    out += clauses_[i];
  }
  return out;
}

std::string Page::Sql() const {
  return fmt::format(" ORDER BY {} LIMIT ? OFFSET ?", order_by.empty() ? "id" : order_by);
}

Params Page::Bind(Params params) const {
  params.emplace_back(static_cast<int64_t>(page_size));
  params.emplace_back(Offset());
  return params;
}

}  // namespace anxun::db
