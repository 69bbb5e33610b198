// The audit trail: append-only and hash-chained.
//
// Every entry carries SHA-256 over its content and the previous entry's hash.
// The head of the chain is signed (Ed25519) at intervals with a key kept in
// the data folder, outside the database; the signed heads go to
// <data>/audit-heads.log and to the log. VerifyChain() walks the chain against
// the signed heads. The database refuses UPDATE and DELETE on the table
// (triggers in migration 1).
#pragma once

#include "db/db.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace anxun::audit {

struct Actor {
  std::optional<int64_t> user_id;
  std::string name;  // username at the time, "system" for the program itself
  std::string ip;
  std::string request_id;
};

struct Entry {
  std::string action;       // "user.create", "auth.login_failed", "hazard.approve", ...
  std::string object_type;  // "user", "point", ...
  std::string object_id;
  boost::json::value before;  // null when not a change
  boost::json::value after;
};

// Appends `e` in the caller's transaction and returns its sequence number.
// REQUIRES: runs inside Database::Write (the writer), so that the entry
// commits or rolls back with the change it records and the chain stays in
// order. On PostgreSQL it takes a transaction-scoped advisory lock so several
// servers append in one order.
int64_t Append(db::Conn& c, const Actor& actor, const Entry& e);

}  // namespace anxun::audit
