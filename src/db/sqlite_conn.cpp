#include "db/sqlite_conn.h"

#include <fmt/format.h>

namespace anxun::db {
namespace {

void Bind(sqlite3_stmt* stmt, const Params& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int idx = static_cast<int>(i + 1);
    const Value& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) {
      sqlite3_bind_null(stmt, idx);
    } else if (auto p = std::get_if<int64_t>(&v)) {
      sqlite3_bind_int64(stmt, idx, *p);
    } else if (auto p = std::get_if<double>(&v)) {
      sqlite3_bind_double(stmt, idx, *p);
    } else {
      const auto& s = std::get<std::string>(v);
      sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
  }
}

Value Column(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_NULL:
      return std::monostate{};
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, i));
      return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
    }
  }
}

// Resets a cached statement when the caller's scope ends, however it ends.
struct StmtGuard {
  sqlite3_stmt* s;
  ~StmtGuard() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

}  // namespace

SqliteConn::SqliteConn(const std::string& path, bool read_only) {
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(fmt::format("sqlite {}: cannot open ({})", path, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  if (read_only) {
    // A reader must never checkpoint: only the writer touches the WAL index
    // for writing (see docs/architecture.md on SQLite 3.40's WAL-reset race).
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    ExecScript("PRAGMA query_only=ON;");
  } else {
    ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;");
  }
}

SqliteConn::~SqliteConn() {
  for (auto& [sql, stmt] : cache_)
    sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void SqliteConn::Fail(std::string_view sql, int rc) {
  const bool constraint = (rc & 0xff) == SQLITE_CONSTRAINT;
  throw DbError(fmt::format("sqlite: {} (in: {:.120})", sqlite3_errmsg(db_), sql), constraint);
}

sqlite3_stmt* SqliteConn::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) Fail(sql, rc);
  if (cache_.size() > 512) {
    for (auto& [k, s] : cache_)
      sqlite3_finalize(s);
    cache_.clear();
  }
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Rows SqliteConn::Query(std::string_view sql, const Params& params) {
  sqlite3_stmt* stmt = Prepare(sql);
  StmtGuard guard{stmt};
  Bind(stmt, params);
  Rows rows;
  const int cols = sqlite3_column_count(stmt);
  while (true) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) Fail(sql, rc);
    std::vector<Value> cells;
    cells.reserve(static_cast<size_t>(cols));
    for (int i = 0; i < cols; ++i)
      cells.push_back(Column(stmt, i));
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

int64_t SqliteConn::Exec(std::string_view sql, const Params& params) {
  sqlite3_stmt* stmt = Prepare(sql);
  StmtGuard guard{stmt};
  Bind(stmt, params);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) Fail(sql, rc);
  return sqlite3_changes64(db_);
}

void SqliteConn::ExecScript(std::string_view sql) {
  char* err = nullptr;
  const std::string copy(sql);
  const int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DbError(fmt::format("sqlite: {}", msg), (rc & 0xff) == SQLITE_CONSTRAINT);
  }
}

}  // namespace anxun::db
