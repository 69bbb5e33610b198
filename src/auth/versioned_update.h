// One UPDATE of a record that carries a `version`: the columns a PATCH sends,
// plus version + 1 and updated_at, guarded by the version the client read.
#pragma once

#include "db/db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::auth {

class VersionedUpdate {
 public:
  // `table` and the column names are SQL written by the caller, never client text.
  VersionedUpdate(std::string_view table, int64_t now_ms);

  void Set(std::string_view column, db::Value value);

  // Updates row `id` (only while its version is `version`, when given).
  // Throws 409 `version_conflict` when no row matched.
  void Run(db::Conn& c, int64_t id, std::optional<int64_t> version);

 private:
  std::string sql_;
  db::Params params_;
};

}  // namespace anxun::auth
