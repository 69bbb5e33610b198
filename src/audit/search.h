// Finding entries of the audit trail, for the audit administrator's search
// and export. The trail is global: no data scope applies.
#pragma once

#include "audit/chain.h"
#include "db/query.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace anxun::audit {

// All set fields must match.
struct Filter {
  // A username (actor_name); when all digits, also matches that actor_id.
  std::optional<std::string> actor;
  // An exact action ("user.create"), or a prefix when it ends with '*'
  // ("user.*"); case-sensitive. A lone "*" matches everything.
  std::optional<std::string> action;
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<int64_t> from;  // at >= from (epoch ms)
  std::optional<int64_t> to;    // at < to (epoch ms)
};

// The filter as conditions over audit_log's columns (no table alias).
db::Where FilterWhere(const Filter& f);

// Number of entries matching `f`.
int64_t CountEntries(db::Conn& c, const Filter& f);

// One page of matching entries. `page.order_by` must come from an allow-list
// of audit_log columns (api::ParsePage).
std::vector<StoredEntry> FindEntries(db::Conn& c, const Filter& f, const db::Page& page);

// Calls `fn` for every matching entry in seq order, reading 1,000 at a time.
void ForEachEntry(db::Conn& c, const Filter& f, const std::function<void(const StoredEntry&)>& fn);

}  // namespace anxun::audit
