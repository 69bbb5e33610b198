#include "db/migrations.h"

#include "common/clock.h"

#include <spdlog/spdlog.h>

namespace anxun::db {
namespace {

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// Version 1: the platform foundation — org tree, places, accounts, roles,
// sessions, files, settings and the append-only audit trail.
constexpr const char* kFoundation = R"SQL(
CREATE TABLE org_units (
  id {{ID}},
  parent_id BIGINT REFERENCES org_units(id),
  kind TEXT NOT NULL CHECK (kind IN ('group','park','plant','workshop','team')),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
  path TEXT NOT NULL DEFAULT '',
  floor_plan_file_id BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE files (
  id {{ID}},
  sha256 TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  original_name TEXT NOT NULL DEFAULT '',
  width INTEGER,
  height INTEGER,
  org_unit_id BIGINT REFERENCES org_units(id),
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX files_sha ON files(sha256);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  password_hash TEXT NOT NULL DEFAULT '',
  password_changed_at BIGINT NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  password_exempt INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  totp_secret TEXT,
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  is_service INTEGER NOT NULL DEFAULT 0,
  locale TEXT NOT NULL DEFAULT 'zh-CN',
  last_login_at BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_org ON users(org_unit_id);

CREATE TABLE roles (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL CHECK (scope IN ('self','unit','subtree','all')),
  builtin INTEGER NOT NULL DEFAULT 0,
  duty TEXT CHECK (duty IN ('system','security','audit')),
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE role_permissions (
  role_id BIGINT NOT NULL REFERENCES roles(id),
  permission TEXT NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role_id BIGINT NOT NULL REFERENCES roles(id),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles(role_id);

CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  restricted INTEGER NOT NULL DEFAULT 0,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE areas (
  id {{ID}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  x DOUBLE PRECISION,
  y DOUBLE PRECISION,
  risk_level TEXT CHECK (risk_level IN ('red','orange','yellow','blue')),
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (org_unit_id, code)
);

CREATE TABLE points (
  id {{ID}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  area_id BIGINT REFERENCES areas(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'other',
  description TEXT NOT NULL DEFAULT '',
  x DOUBLE PRECISION,
  y DOUBLE PRECISION,
  responsible_user_id BIGINT REFERENCES users(id),
  nfc_uid TEXT UNIQUE,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  radius_m DOUBLE PRECISION,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX points_org ON points(org_unit_id, id);
CREATE INDEX points_area ON points(area_id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT,
  actor_name TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',
  object_id TEXT NOT NULL DEFAULT '',
  before_json TEXT,
  after_json TEXT,
  request_id TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_object ON audit_log(object_type, object_id, seq);
CREATE INDEX audit_at ON audit_log(at);
)SQL";

constexpr const char* kFoundationSqlite = R"SQL(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)SQL";

constexpr const char* kFoundationPostgres = R"SQL(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
)SQL";

// Version 2: indexes for the queries the foundation's modules run most.
constexpr const char* kFoundationIndexes = R"SQL(
CREATE INDEX points_responsible ON points(responsible_user_id);
CREATE INDEX org_units_floor_plan ON org_units(floor_plan_file_id);
CREATE INDEX files_created_by ON files(created_by, id);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE UNIQUE INDEX users_username_lower ON users(LOWER(username));
)SQL";

constexpr const char* kFoundationIndexesSqlite = R"SQL(
CREATE INDEX org_units_path ON org_units(path);
)SQL";

constexpr const char* kFoundationIndexesPostgres = R"SQL(
CREATE INDEX org_units_path ON org_units(path text_pattern_ops);
)SQL";

constexpr const char* kMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> all = {
      {1, "foundation", kFoundation, kFoundationSqlite, kFoundationPostgres},
      {2, "foundation indexes", kFoundationIndexes, kFoundationIndexesSqlite,
       kFoundationIndexesPostgres},
      kHazardMigration,
      kInspectionMigration,
      kAlertMigration,
      kAlertRoutingMigration,
      kAlertDeliveryMigration,
  };
  return all;
}

std::string RenderMigration(const Migration& m, Dialect dialect) {
  std::string sql = m.common;
  const bool sqlite = dialect == Dialect::kSqlite;
  ReplaceAll(sql, "{{ID}}", sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY");
  const char* only = sqlite ? m.sqlite_only : m.postgres_only;
  if (only) sql += only;
  return sql;
}

int CurrentSchemaVersion(Conn& c) {
  const bool sqlite = c.dialect() == Dialect::kSqlite;
  const auto exists = c.QueryInt(
      sqlite
          ? "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
          : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name='schema_migrations'");
  if (exists.value_or(0) == 0) return 0;
  return static_cast<int>(c.QueryInt("SELECT MAX(version) FROM schema_migrations").value_or(0));
}

int ApplyMigrations(Database& db) {
  return db.Write([](Conn& c) {
    if (c.dialect() == Dialect::kPostgres) {
      c.ExecScript("SELECT pg_advisory_xact_lock(7243001)");  // one migrator across servers
    }
    c.ExecScript(kMigrationsTable);
    const int current = CurrentSchemaVersion(c);
    int applied = 0;
    for (const auto& m : AllMigrations()) {
      if (m.version <= current) continue;
      spdlog::info("database: applying migration {} ({})", m.version, m.name);
      c.ExecScript(RenderMigration(m, c.dialect()));
      c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
             {static_cast<int64_t>(m.version), std::string(m.name), NowMs()});
      ++applied;
    }
    return applied;
  });
}

}  // namespace anxun::db
