// Leases in job_leases: how one of several servers on one database takes a
// periodic job (task generation, escalation, producers, supervision) for a
// while, so the job runs once. Thread-safe given one Conn per thread.
#pragma once

#include "db/db.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace anxun::db {

// This process's holder name ("host:pid:random"), fixed for its life.
const std::string& LeaseHolder();

// Takes or renews `job` for `holder` until now + ttl_ms; false while another
// holder's lease runs. REQUIRES: inside Write.
bool TryLease(Conn& c, std::string_view job, std::string_view holder, int64_t now, int64_t ttl_ms);

}  // namespace anxun::db
