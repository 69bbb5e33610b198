// The audit trail's hash chain: what an entry is once stored, and how its
// hash is computed.
//
// Canonical content of an entry (version 1) is the Boost.JSON serialization
// (compact, no spaces) of this array, fields in this order:
//
//   ["anxun.audit.v1", seq, at, actor_id, actor_name, ip, action,
//    object_type, object_id, before_json, after_json, request_id]
//
//   seq, at      JSON integers (at is epoch milliseconds, UTC)
//   actor_id     JSON integer, or null for the program itself
//   before_json,
//   after_json   the stored JSON text as a JSON *string* (not re-parsed, so the
//                bytes hashed are the bytes stored), or null when SQL NULL
//   the rest     JSON strings exactly as stored
//
// hash = lower-case hex SHA-256 over the UTF-8 bytes of the canonical content
// immediately followed by the 64 hex characters of prev_hash. prev_hash is the
// previous entry's hash, 64 zeros (kGenesisHash) for the first entry. Seq
// starts at 1 and has no gaps.
//
// Anyone can recompute an entry's hash from an export of the table with these
// rules. Changing them breaks every existing chain: add a version instead.
#pragma once

#include "db/db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::audit {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// One row of audit_log, as stored.
struct StoredEntry {
  int64_t seq = 0;
  int64_t at = 0;
  std::optional<int64_t> actor_id;
  std::string actor_name;
  std::string ip;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string request_id;
  std::string prev_hash;
  std::string hash;
};

// The columns ReadEntry() expects, in its order, for "SELECT <this> FROM audit_log".
inline constexpr std::string_view kEntryColumns =
    "seq, at, actor_id, actor_name, ip, action, object_type, object_id, before_json, "
    "after_json, request_id, prev_hash, hash";

StoredEntry ReadEntry(const db::Row& row);

// The canonical content described above (without prev_hash).
std::string CanonicalContent(const StoredEntry& e);

// SHA-256 hex of CanonicalContent(e) + e.prev_hash. Ignores e.hash.
std::string ComputeHash(const StoredEntry& e);

}  // namespace anxun::audit
