// SQLite connection over the C API, with a prepared-statement cache.
#pragma once

#include "db/db.h"

#include <sqlite3.h>

#include <string>
#include <unordered_map>

namespace anxun::db {

class SqliteConn final : public Conn {
 public:
  // Opens `path`; the writer gets WAL, synchronous=FULL and foreign keys, a
  // reader is opened SQLITE_OPEN_READONLY and never checkpoints.
  SqliteConn(const std::string& path, bool read_only);
  ~SqliteConn() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Rows Query(std::string_view sql, const Params& params) override;
  int64_t Exec(std::string_view sql, const Params& params) override;
  void ExecScript(std::string_view sql) override;

 private:
  sqlite3_stmt* Prepare(std::string_view sql);
  [[noreturn]] void Fail(std::string_view sql, int rc);

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace anxun::db
