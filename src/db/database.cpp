#include "db/db.h"
#include "db/migrations.h"
#include "db/pg_conn.h"
#include "db/sqlite_conn.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace anxun::db {
namespace {

// Upstream fixed the WAL-reset race (two connections that write or checkpoint)
// in 3.51.3. Below that, this process must be the database's only writer.
constexpr int kWalResetFixedVersion = 3051003;
constexpr size_t kMaxBatch = 256;

std::string SqlitePath(const std::string& url) {
  return url.substr(std::string("sqlite:").size());
}

// Holds an exclusive flock on "<db>.lock" for the life of the process, so a
// second anxun process can never open the same SQLite file for writing.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw DbError(fmt::format("sqlite: cannot create lock file {}", path));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw DbError(
          fmt::format("sqlite: {} is in use by another anxun process (SQLite allows one writer); "
                      "stop it, or use the API",
                      path.substr(0, path.size() - 5)));
    }
  }
  ~FileLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

struct Job {
  std::function<void(Conn&)> fn;
  std::promise<void> done;
};

class DatabaseImpl final : public Database {
 public:
  DatabaseImpl(std::string url, int readers) : url_(std::move(url)) {
    dialect_ = IsSqliteUrl(url_) ? Dialect::kSqlite : Dialect::kPostgres;
    if (dialect_ == Dialect::kSqlite) {
      if (sqlite3_libversion_number() < kWalResetFixedVersion) {
        lock_ = std::make_unique<FileLock>(SqlitePath(url_) + ".lock");
      }
      writer_conn_ = std::make_unique<SqliteConn>(SqlitePath(url_), false);
    } else {
      writer_conn_ = std::make_unique<PgConn>(url_);
    }
    for (int i = 0; i < readers; ++i) {
      // SQLite readers are opened lazily: the file may not have its schema yet.
      readers_.push_back(nullptr);
      idle_.push_back(static_cast<size_t>(i));
    }
    writer_ = std::thread([this] { WriterLoop(); });
  }

  ~DatabaseImpl() override { Close(); }

  Dialect dialect() const override { return dialect_; }
  const std::string& url() const override { return url_; }

  Lease AcquireReader() override {
    std::unique_lock lk(pool_mu_);
    pool_cv_.wait(lk, [&] { return !idle_.empty(); });
    const size_t i = idle_.back();
    idle_.pop_back();
    lk.unlock();
    try {
      if (!readers_[i]) {
        readers_[i] = dialect_ == Dialect::kSqlite
                          ? std::unique_ptr<Conn>(new SqliteConn(SqlitePath(url_), true))
                          : std::unique_ptr<Conn>(new PgConn(url_));
      }
    } catch (...) {
      Release(i);
      throw;
    }
    return Lease(readers_[i].get(), [this, i](Conn*) { Release(i); });
  }

  int Migrate() override { return ApplyMigrations(*this); }

  int SchemaVersion() override {
    return Read([](Conn& c) { return CurrentSchemaVersion(c); });
  }

  Stats stats() const override {
    std::scoped_lock lk(queue_mu_, pool_mu_);
    Stats s;
    s.writes = writes_;
    s.commits = commits_;
    s.queue_depth = static_cast<int64_t>(queue_.size());
    s.readers = static_cast<int>(readers_.size());
    s.readers_busy = static_cast<int>(readers_.size() - idle_.size());
    return s;
  }

  bool Ping() override {
    try {
      return Read([](Conn& c) { return c.QueryInt("SELECT 1").value_or(0) == 1; });
    } catch (const std::exception& e) {
      spdlog::warn("database: ping failed ({})", e.what());
      return false;
    }
  }

  void Close() override {
    {
      std::lock_guard lk(queue_mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    std::lock_guard lk(pool_mu_);
    readers_.clear();  // readers close before the writer: the writer checkpoints last
    writer_conn_.reset();
  }

 protected:
  std::future<void> Submit(std::function<void(Conn&)> fn) override {
    Job job{std::move(fn), {}};
    auto fut = job.done.get_future();
    {
      std::lock_guard lk(queue_mu_);
      if (stopping_) throw DbError("database is closing");
      queue_.push_back(std::move(job));
    }
    queue_cv_.notify_one();
    return fut;
  }

 private:
  void Release(size_t i) {
    {
      std::lock_guard lk(pool_mu_);
      idle_.push_back(i);
    }
    pool_cv_.notify_one();
  }

  void WriterLoop() {
    while (true) {
      std::vector<Job> batch;
      {
        std::unique_lock lk(queue_mu_);
        queue_cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      RunBatch(batch);
    }
  }

  // One transaction for the whole batch; each job in a savepoint of its own.
  void RunBatch(std::vector<Job>& batch) {
    Conn& c = *writer_conn_;
    std::vector<std::exception_ptr> errors(batch.size());
    try {
      c.ExecScript(dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    } catch (...) {
      for (auto& job : batch)
        job.done.set_exception(std::current_exception());
      return;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      try {
        c.ExecScript("SAVEPOINT job");
        batch[i].fn(c);
        c.ExecScript("RELEASE job");
      } catch (...) {
        errors[i] = std::current_exception();
        try {
          c.ExecScript("ROLLBACK TO job; RELEASE job");
        } catch (const std::exception& e) {
          spdlog::error("database: rollback to savepoint failed ({})", e.what());
        }
      }
    }
    std::exception_ptr commit_error;
    try {
      c.ExecScript("COMMIT");
    } catch (...) {
      commit_error = std::current_exception();
      try {
        c.ExecScript("ROLLBACK");
      } catch (...) {
      }
    }
    {
      std::lock_guard lk(queue_mu_);
      writes_ += static_cast<int64_t>(batch.size());
      ++commits_;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (errors[i])
        batch[i].done.set_exception(errors[i]);
      else if (commit_error)
        batch[i].done.set_exception(commit_error);
      else
        batch[i].done.set_value();
    }
  }

  std::string url_;
  Dialect dialect_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<Conn> writer_conn_;

  mutable std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Conn>> readers_;
  std::vector<size_t> idle_;

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  int64_t writes_ = 0;
  int64_t commits_ = 0;
  std::thread writer_;
};

}  // namespace

std::unique_ptr<Conn> Connect(const std::string& url, bool read_only) {
  if (IsSqliteUrl(url)) return std::make_unique<SqliteConn>(SqlitePath(url), read_only);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::make_unique<PgConn>(url);
  }
  throw DbError(fmt::format("database url must start with sqlite: or postgresql:// (got '{}')",
                            url.substr(0, 40)));
}

std::unique_ptr<Database> Database::Open(const std::string& url, int readers) {
  if (!IsSqliteUrl(url) && !url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    throw DbError("database url must start with sqlite: or postgresql://");
  }
  return std::make_unique<DatabaseImpl>(url, readers < 1 ? 1 : readers);
}

}  // namespace anxun::db
