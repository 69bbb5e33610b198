// Version 6: who is told about alerts, and when it climbs. Owned by
// src/alert (routing, escalation, supervision, producers); see migrations.h.
//
// alert_routing_rules and alert_escalation_policies are per org unit and
// level, inherited down the tree (the nearest unit's row wins); the rows
// without a unit are the product defaults (DOMAIN.md: serious climbs after
// 4 h, general after 24 h, minor never; major goes to the top at once).
// notifications is each user's feed (the WebSocket push reads it by id);
// alert_notices is one row per org unit told, for the delivery workers
// (webhooks, mail). alert_escalations holds each routed alert's place on the
// ladder; supervision_reminders records every reminder step sent (its key
// makes a second send impossible); alert_producer_cursors and
// alert_producer_marks remember what the in-process producers turned into
// events already.
#include "db/migrations.h"

namespace anxun::db {
namespace {

constexpr const char* kAlertRouting = R"SQL(
CREATE TABLE notifications (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  alert_id BIGINT, hazard_id BIGINT, task_id BIGINT,
  level TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  popup INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE alert_notices (
  id {{ID}},
  alert_id BIGINT REFERENCES alerts(id),
  hazard_id BIGINT, task_id BIGINT,
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', link TEXT NOT NULL DEFAULT '',
  recipient_ids TEXT NOT NULL DEFAULT '[]',
  delivery_state TEXT NOT NULL DEFAULT 'pending',
  created_at BIGINT NOT NULL
);
CREATE INDEX alert_notices_state ON alert_notices(delivery_state, id);

CREATE TABLE alert_routing_rules (
  id {{ID}},
  org_unit_id BIGINT REFERENCES org_units(id),
  level TEXT NOT NULL CHECK (level IN ('major','serious','general','minor')),
  roles TEXT NOT NULL DEFAULT '[]',
  reach TEXT NOT NULL DEFAULT 'nearest'
    CHECK (reach IN ('unit','nearest','plant_and_above','unit_and_above')),
  user_ids TEXT NOT NULL DEFAULT '[]',
  responsible INTEGER NOT NULL DEFAULT 0,
  popup INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by BIGINT,
  updated_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE (org_unit_id, level)
);
CREATE INDEX alert_routing_rules_unit ON alert_routing_rules(org_unit_id);
INSERT INTO alert_routing_rules (org_unit_id, level, roles, reach, responsible, popup) VALUES
  (NULL, 'major', '["manager","safety_officer"]', 'plant_and_above', 0, 1),
  (NULL, 'serious', '["dept_head"]', 'nearest', 0, 1),
  (NULL, 'general', '[]', 'nearest', 1, 0),
  (NULL, 'minor', '[]', 'nearest', 1, 0);

CREATE TABLE alert_escalation_policies (
  id {{ID}},
  org_unit_id BIGINT REFERENCES org_units(id),
  level TEXT NOT NULL CHECK (level IN ('major','serious','general','minor')),
  escalate_after_s BIGINT NOT NULL DEFAULT 0,
  max_reminders INTEGER NOT NULL DEFAULT 0,
  roles TEXT NOT NULL DEFAULT '[]',
  supervise_after_s BIGINT NOT NULL DEFAULT 86400,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by BIGINT,
  updated_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE (org_unit_id, level)
);
CREATE INDEX alert_escalation_policies_unit ON alert_escalation_policies(org_unit_id);
INSERT INTO alert_escalation_policies (org_unit_id, level, escalate_after_s, max_reminders, roles,
                                       supervise_after_s) VALUES
  (NULL, 'major', 1800, 3, '["manager","safety_officer","dept_head"]', 0),
  (NULL, 'serious', 14400, 3, '["dept_head","safety_officer","manager"]', 86400),
  (NULL, 'general', 86400, 3, '["dept_head","safety_officer","manager"]', 172800),
  (NULL, 'minor', 0, 0, '["dept_head","safety_officer","manager"]', 86400);

CREATE TABLE alert_escalations (
  alert_id BIGINT PRIMARY KEY REFERENCES alerts(id),
  level TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  unit_id BIGINT NOT NULL REFERENCES org_units(id),
  reminders_sent INTEGER NOT NULL DEFAULT 0,
  next_escalation_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX alert_escalations_next ON alert_escalations(next_escalation_at);

CREATE TABLE supervision_reminders (
  subject TEXT NOT NULL CHECK (subject IN ('hazard','task')),
  subject_id BIGINT NOT NULL,
  step INTEGER NOT NULL,
  deadline BIGINT NOT NULL,
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  recipient_ids TEXT NOT NULL DEFAULT '[]',
  next_step_at BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (subject, subject_id, step, deadline)
);
CREATE INDEX supervision_reminders_next ON supervision_reminders(step, next_step_at);

CREATE TABLE alert_producer_cursors (
  name TEXT PRIMARY KEY,
  last_id BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO alert_producer_cursors (name, last_id)
  SELECT 'hazard_history', COALESCE(MAX(id), 0) FROM hazard_history;

CREATE TABLE alert_producer_marks (
  producer TEXT NOT NULL,
  ref_id BIGINT NOT NULL,
  ref_at BIGINT NOT NULL DEFAULT 0,
  event_id BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (producer, ref_id, ref_at)
);

INSERT INTO alert_rules (rule, name, fingerprint_labels, required_labels, merge_window_s) VALUES
  ('hazard.major_reported', '重大隐患上报', '["hazard_id"]', '[]', 86400),
  ('hazard.overdue', '隐患逾期未整改', '["hazard_id"]', '[]', 86400),
  ('inspection.late', '巡检超时完成', '[]', '[]', 86400),
  ('inspection.manual_check_in', '手动打卡（未能扫码/NFC）', '[]', '[]', 3600);
)SQL";

}  // namespace

const Migration kAlertRoutingMigration = {6, "alert routing", kAlertRouting, nullptr, nullptr};

}  // namespace anxun::db
