// Building filtered, sorted, paged list queries — written once, used by every
// list endpoint. Column names in ORDER BY come only from a caller's allow-list,
// never from the client.
#pragma once

#include "db/db.h"

#include <string>
#include <string_view>
#include <vector>

namespace anxun::db {

// A conjunction of conditions with their parameters.
class Where {
 public:
  // Adds `clause` (with `?` placeholders) and its parameters.
  Where& Add(std::string clause, Params params = {});
  // Adds "column IN (?, ?, ...)"; an empty list matches nothing.
  Where& In(std::string_view column, const std::vector<int64_t>& ids);
  // Adds a case-insensitive substring match over any of `columns`.
  Where& Search(const std::vector<std::string_view>& columns, std::string_view text);

  // " WHERE a AND b" or "".
  std::string Sql() const;
  const Params& params() const { return params_; }

 private:
  std::vector<std::string> clauses_;
  Params params_;
};

struct Page {
  int page = 1;
  int page_size = 20;
  std::string order_by;  // validated SQL, e.g. "code ASC, id ASC"

  int64_t Offset() const { return static_cast<int64_t>(page - 1) * page_size; }
  // " ORDER BY ... LIMIT ? OFFSET ?" (parameters appended by Bind()).
  std::string Sql() const;
  Params Bind(Params params) const;
};

}  // namespace anxun::db
