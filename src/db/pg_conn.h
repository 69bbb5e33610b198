// PostgreSQL connection over libpq, with `?` placeholders rewritten to $n and
// statements prepared once per connection.
#pragma once

#include "db/db.h"

#include <libpq-fe.h>

#include <string>
#include <unordered_map>

namespace anxun::db {

class PgConn final : public Conn {
 public:
  explicit PgConn(const std::string& url);
  ~PgConn() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Rows Query(std::string_view sql, const Params& params) override;
  int64_t Exec(std::string_view sql, const Params& params) override;
  void ExecScript(std::string_view sql) override;

 private:
  PGresult* Run(std::string_view sql, const Params& params);
  const std::string& Prepared(std::string_view sql, int nparams);

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// "a = ? AND b = ?" -> "a = $1 AND b = $2" (quoted text left alone).
std::string RewritePlaceholders(std::string_view sql);

}  // namespace anxun::db
