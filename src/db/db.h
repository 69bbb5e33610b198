// The data-access layer: one small interface over SQLite and PostgreSQL.
//
// Why not SOCI: the single writer below needs exact control over BEGIN,
// SAVEPOINT and COMMIT and a statement cache per connection, and we want
// typed values back without SOCI's per-row conversions; the two C APIs
// (sqlite3, libpq) give that in a few hundred lines. SQL is written once with
// `?` placeholders; the PostgreSQL connection rewrites them to $1..$n.
//
// Threading: a Conn is used by one thread at a time. Database is thread-safe:
// Read() borrows a reader connection, Write() queues work to the one writer.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace anxun::db {

enum class Dialect { kSqlite, kPostgres };

// NULL, integer, real, text (and blobs as text).
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value Null() {
  return std::monostate{};
}
template <class T>
Value Opt(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  if constexpr (std::is_integral_v<T>)
    return static_cast<int64_t>(*v);
  else
    return Value(*v);
}

// Raised for database failures. `constraint()` is true for unique, check and
// foreign-key violations, which callers usually turn into 409.
class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, bool constraint = false)
      : std::runtime_error(what), constraint_(constraint) {}
  bool constraint() const { return constraint_; }

 private:
  bool constraint_;
};

class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}

  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells_.at(i)); }
  int64_t Int(size_t i) const;      // NULL -> 0
  double Real(size_t i) const;      // NULL -> 0
  std::string Str(size_t i) const;  // NULL -> ""
  bool Bool(size_t i) const { return Int(i) != 0; }
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<double> OptReal(size_t i) const;
  std::optional<std::string> OptStr(size_t i) const;
  const Value& At(size_t i) const { return cells_.at(i); }

 private:
  std::vector<Value> cells_;
};

using Rows = std::vector<Row>;

class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;

  // Runs one statement and returns its rows (empty for statements without).
  virtual Rows Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual int64_t Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs several ;-separated statements without parameters (migrations).
  virtual void ExecScript(std::string_view sql) = 0;

  std::optional<Row> QueryOne(std::string_view sql, const Params& params = {});
  // First column of the first row; nullopt when there is no row or it is NULL.
  std::optional<int64_t> QueryInt(std::string_view sql, const Params& params = {});
  // INSERT ... RETURNING id, returning the id.
  int64_t Insert(std::string_view sql, const Params& params = {});
};

// Opens one connection. `url` is "sqlite:PATH" or "postgresql://...".
// `read_only` opens SQLite read-only (no writes, no checkpoints).
std::unique_ptr<Conn> Connect(const std::string& url, bool read_only = false);

struct Stats {
  int64_t writes = 0;   // write jobs committed or failed
  int64_t commits = 0;  // group commits
  int64_t queue_depth = 0;
  int readers = 0;
  int readers_busy = 0;
};

class Database {
 public:
  // Opens the writer and `readers` reader connections. For SQLite this takes
  // the process lock on the file (see docs/architecture.md) and refuses
  // a second writer. Throws DbError with a one-line message on failure.
  static std::unique_ptr<Database> Open(const std::string& url, int readers);
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  virtual const std::string& url() const = 0;

  // Runs `fn` on a reader connection and returns its result. Readers see the
  // last committed state and never wait for the writer.
  template <class F>
  auto Read(F&& fn) -> std::invoke_result_t<F, Conn&> {
    auto lease = AcquireReader();
    return fn(*lease);
  }

  // Queues `fn` to the writer and blocks until its transaction is durable.
  // The writer groups concurrent jobs into one commit, each job in its own
  // savepoint: an exception in `fn` undoes only that job and is rethrown here.
  template <class F>
  auto Write(F&& fn) -> std::invoke_result_t<F, Conn&> {
    using R = std::invoke_result_t<F, Conn&>;
    if constexpr (std::is_void_v<R>) {
      Submit([&](Conn& c) { fn(c); }).get();
    } else {
      std::optional<R> out;
      Submit([&](Conn& c) { out.emplace(fn(c)); }).get();
      return std::move(*out);
    }
  }

  // Applies pending migrations on the writer. Returns the number applied.
  virtual int Migrate() = 0;
  virtual int SchemaVersion() = 0;
  virtual Stats stats() const = 0;
  // Reachability check for /healthz.
  virtual bool Ping() = 0;
  // Stops the writer after draining its queue and closes all connections.
  virtual void Close() = 0;

  // A borrowed reader; returns to the pool when destroyed.
  class Lease {
   public:
    Lease(Conn* c, std::function<void(Conn*)> release) : c_(c), release_(std::move(release)) {}
    Lease(Lease&& o) noexcept : c_(o.c_), release_(std::move(o.release_)) { o.c_ = nullptr; }
    ~Lease() {
      if (c_) release_(c_);
    }
    Conn& operator*() { return *c_; }
    Conn* operator->() { return c_; }

   private:
    Conn* c_;
    std::function<void(Conn*)> release_;
  };
  virtual Lease AcquireReader() = 0;

 protected:
  virtual std::future<void> Submit(std::function<void(Conn&)> job) = 0;
};

// True when `url` names SQLite.
bool IsSqliteUrl(std::string_view url);

}  // namespace anxun::db
