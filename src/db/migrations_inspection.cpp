// Version 4: the inspection module's tables. Owned by src/inspection; see migrations.h.
//
// Checklist templates are versioned: a template row names the latest version,
// each published version is an immutable row whose body (sections and items)
// is JSON text; a task keeps the version it was created with. Plans carry an
// RFC 5545 RRULE in their org unit's time zone; the generator records how far
// it has created tasks (generated_until) and a UNIQUE(plan_id,
// occurrence_start) makes a second run a no-op. sync_items remembers every
// client id the phones sent, so a replayed batch stores nothing twice.
#include "db/migrations.h"

namespace anxun::db {
namespace {

constexpr const char* kInspection = R"SQL(
CREATE TABLE checklist_templates (
  id {{ID}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  latest_version INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX checklist_templates_org ON checklist_templates(org_unit_id, id);

CREATE TABLE checklist_template_versions (
  id {{ID}},
  template_id BIGINT NOT NULL REFERENCES checklist_templates(id),
  version_no INTEGER NOT NULL,
  body_json TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (template_id, version_no)
);

CREATE TABLE inspection_routes (
  id {{ID}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  name TEXT NOT NULL,
  enforce_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX inspection_routes_org ON inspection_routes(org_unit_id, id);

CREATE TABLE route_points (
  route_id BIGINT NOT NULL REFERENCES inspection_routes(id),
  seq INTEGER NOT NULL,
  point_id BIGINT NOT NULL REFERENCES points(id),
  PRIMARY KEY (route_id, seq)
);

CREATE TABLE plans (
  id {{ID}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('daily','special','holiday','special_period')),
  route_id BIGINT REFERENCES inspection_routes(id),
  template_id BIGINT REFERENCES checklist_templates(id),
  assignee_role TEXT,
  assignee_unit_id BIGINT REFERENCES org_units(id),
  rrule TEXT NOT NULL,
  dtstart BIGINT NOT NULL,
  timezone TEXT NOT NULL,
  exdates_json TEXT NOT NULL DEFAULT '[]',
  duration_minutes INTEGER NOT NULL,
  grace_minutes INTEGER NOT NULL DEFAULT 0,
  effective_until BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  generated_until BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX plans_org ON plans(org_unit_id, id);
CREATE INDEX plans_active ON plans(active, id);

CREATE TABLE plan_points (
  plan_id BIGINT NOT NULL REFERENCES plans(id),
  seq INTEGER NOT NULL,
  point_id BIGINT NOT NULL REFERENCES points(id),
  PRIMARY KEY (plan_id, seq)
);

CREATE TABLE plan_assignees (
  plan_id BIGINT NOT NULL REFERENCES plans(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (plan_id, user_id)
);

CREATE TABLE tasks (
  id {{ID}},
  plan_id BIGINT REFERENCES plans(id),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  title TEXT NOT NULL,
  occurrence_start BIGINT,
  start_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  grace_until BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending','in_progress','completed','missed','cancelled')),
  late INTEGER NOT NULL DEFAULT 0,
  urgent INTEGER NOT NULL DEFAULT 0,
  template_version_id BIGINT REFERENCES checklist_template_versions(id),
  started_at BIGINT,
  completed_at BIGINT,
  cancel_reason TEXT,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (plan_id, occurrence_start)
);
CREATE INDEX tasks_org_start ON tasks(org_unit_id, start_at);
CREATE INDEX tasks_status_grace ON tasks(status, grace_until);

CREATE TABLE task_points (
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  seq INTEGER NOT NULL,
  point_id BIGINT NOT NULL REFERENCES points(id),
  checked_in_at BIGINT,
  result_at BIGINT,
  PRIMARY KEY (task_id, seq)
);
CREATE INDEX task_points_point ON task_points(point_id, task_id);

CREATE TABLE task_assignees (
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_assignees_user ON task_assignees(user_id, task_id);

CREATE TABLE check_ins (
  id {{ID}},
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  point_id BIGINT NOT NULL REFERENCES points(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  method TEXT NOT NULL CHECK (method IN ('qr','nfc','gps','manual')),
  evidence TEXT NOT NULL DEFAULT '',
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  accuracy_m DOUBLE PRECISION,
  distance_m DOUBLE PRECISION,
  flagged INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  device_time BIGINT,
  server_time BIGINT NOT NULL,
  client_id TEXT
);
CREATE INDEX check_ins_task ON check_ins(task_id, point_id);

CREATE TABLE task_results (
  id {{ID}},
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  point_id BIGINT NOT NULL REFERENCES points(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  answers_json TEXT NOT NULL,
  abnormal INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  device_time BIGINT,
  server_time BIGINT NOT NULL,
  client_id TEXT
);
CREATE INDEX task_results_task ON task_results(task_id, point_id);

CREATE TABLE sync_items (
  id {{ID}},
  client_id TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  outcome_json TEXT NOT NULL,
  received_at BIGINT NOT NULL
);

CREATE TABLE task_flags (
  id {{ID}},
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  kind TEXT NOT NULL CHECK (kind IN ('missed','late','manual_check_in')),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  detail TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  consumed_at BIGINT
);
CREATE INDEX task_flags_unconsumed ON task_flags(consumed_at, id);

CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL DEFAULT '',
  expires_at BIGINT NOT NULL DEFAULT 0
);
)SQL";

}  // namespace

const Migration kInspectionMigration = {4, "inspection", kInspection, nullptr, nullptr};

}  // namespace anxun::db
