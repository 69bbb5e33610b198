// Versioned schema migrations for both back ends.
//
// One schema: each migration is written once in a portable subset of SQL with
// a few tokens that the dialect fills in ({{ID}} for an auto-increment primary
// key), plus optional parts for one back end only (triggers differ). Applied
// in order by the writer, each in its own savepoint, recorded in
// schema_migrations. Never edit a released migration; add the next one.
#pragma once

#include "db/db.h"

#include <string>
#include <vector>

namespace anxun::db {

struct Migration {
  int version;
  const char* name;
  const char* common;
  const char* sqlite_only;
  const char* postgres_only;
};

// Migrations kept beside their module's other SQL (src/db/migrations_<module>.cpp).
extern const Migration kHazardMigration;         // version 3
extern const Migration kInspectionMigration;     // version 4
extern const Migration kAlertMigration;          // version 5
extern const Migration kAlertRoutingMigration;   // version 6
extern const Migration kAlertDeliveryMigration;  // version 7

// All migrations, in version order. Modules append theirs in migrations.cpp.
const std::vector<Migration>& AllMigrations();

// The SQL of `m` for `dialect`, tokens replaced.
std::string RenderMigration(const Migration& m, Dialect dialect);

// Applies what is missing; returns how many were applied.
int ApplyMigrations(Database& db);

// 0 for an empty database.
int CurrentSchemaVersion(Conn& c);

}  // namespace anxun::db
