#include "db/lease.h"

#include <fmt/format.h>
#include <unistd.h>

#include <random>

namespace anxun::db {

const std::string& LeaseHolder() {
  static const std::string holder = [] {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    std::random_device rd;
    return fmt::format("{}:{}:{}", host, getpid(), rd());
  }();
  return holder;
}

bool TryLease(Conn& c, std::string_view job, std::string_view holder, int64_t now, int64_t ttl_ms) {
  c.Exec(
      "INSERT INTO job_leases (name, holder, expires_at) VALUES (?, '', 0) "
      "ON CONFLICT (name) DO NOTHING",
      {std::string(job)});
  return c.Exec(
             "UPDATE job_leases SET holder = ?, expires_at = ? "
             "WHERE name = ? AND (expires_at < ? OR holder = ?)",
             {std::string(holder), now + ttl_ms, std::string(job), now, std::string(holder)}) == 1;
}

}  // namespace anxun::db
