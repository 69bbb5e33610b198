// Version 5: the alert module's tables. Owned by src/alert; see migrations.h.
//
// events is the append-only record of every accepted event (filtered ones
// carry filtered_reason); alerts is the open, merged record people act on
// (one row per fingerprint occurrence, versioned); alert_rules configures
// merging and noise filters per rule name (a rule without a row uses the
// defaults in src/alert/engine.h); silences suppress notification, never the
// record; alert_history is each alert's append-only story; alert_outbox holds
// the notifications decided in the same transaction as the alert change, for
// the delivery workers to send.
#include "db/migrations.h"

namespace anxun::db {
namespace {

constexpr const char* kAlertCommon = R"SQL(
CREATE TABLE alert_rules (
  rule TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  fingerprint_labels TEXT,
  required_labels TEXT NOT NULL DEFAULT '[]',
  merge_window_s BIGINT NOT NULL DEFAULT 3600,
  min_confidence DOUBLE PRECISION NOT NULL DEFAULT 0,
  min_duration_s BIGINT NOT NULL DEFAULT 0,
  rate_limit_per_min BIGINT NOT NULL DEFAULT 0,
  raise_count BIGINT NOT NULL DEFAULT 0,
  raise_window_s BIGINT NOT NULL DEFAULT 3600,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO alert_rules (rule, name, fingerprint_labels, required_labels, merge_window_s,
                         min_confidence, rate_limit_per_min, raise_count, raise_window_s) VALUES
  ('camera.no_helmet', '未佩戴安全帽', '["class"]', '[]', 1800, 0.6, 60, 5, 3600),
  ('camera.intrusion', '危险区域闯入', '[]', '["zone"]', 900, 0.7, 60, 3, 3600),
  ('sensor.gas_high', '可燃气体浓度超限', '["sensor"]', '[]', 3600, 0, 0, 5, 3600),
  ('inspection.missed', '巡检漏检', '[]', '[]', 86400, 0, 0, 0, 3600),
  ('manual.alarm', '人工报警', '[]', '[]', 600, 0, 0, 0, 3600);

CREATE TABLE alerts (
  id {{ID}},
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  source TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('major','serious','general','minor')),
  base_level TEXT NOT NULL CHECK (base_level IN ('major','serious','general','minor')),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','resolved')),
  resolution TEXT CHECK (resolution IS NULL OR resolution IN ('hazard','rejected','source_resolved')),
  reject_reason TEXT,
  hazard_id BIGINT,
  count BIGINT NOT NULL DEFAULT 1,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  area_id BIGINT,
  point_id BIGINT,
  camera_id TEXT,
  labels TEXT NOT NULL DEFAULT '{}',
  annotations TEXT NOT NULL DEFAULT '{}',
  latest_event_id BIGINT,
  latest_payload TEXT NOT NULL DEFAULT '{}',
  latest_file_ids TEXT NOT NULL DEFAULT '[]',
  latest_confidence DOUBLE PRECISION,
  silenced INTEGER NOT NULL DEFAULT 0,
  acknowledged_by BIGINT,
  acknowledged_at BIGINT,
  resolved_by BIGINT,
  resolved_at BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX alerts_fingerprint ON alerts(fingerprint, status);
CREATE INDEX alerts_status ON alerts(status, last_seen);
CREATE INDEX alerts_unit ON alerts(org_unit_id);

CREATE TABLE events (
  id {{ID}},
  source TEXT NOT NULL,
  rule TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('major','serious','general','minor')),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  area_id BIGINT,
  point_id BIGINT,
  camera_id TEXT,
  occurred_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}',
  payload TEXT NOT NULL DEFAULT '{}',
  confidence DOUBLE PRECISION,
  file_ids TEXT NOT NULL DEFAULT '[]',
  fingerprint TEXT NOT NULL,
  alert_id BIGINT REFERENCES alerts(id),
  filtered_reason TEXT,
  silenced INTEGER NOT NULL DEFAULT 0,
  posted_by BIGINT
);
CREATE INDEX events_fingerprint ON events(fingerprint, received_at);
CREATE INDEX events_alert ON events(alert_id, occurred_at);

CREATE TABLE silences (
  id {{ID}},
  matchers TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  creator_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  expired_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX silences_ends ON silences(ends_at);

CREATE TABLE alert_history (
  id {{ID}},
  alert_id BIGINT NOT NULL REFERENCES alerts(id),
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  level TEXT NOT NULL,
  actor_id BIGINT,
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX alert_history_alert ON alert_history(alert_id, id);

CREATE TABLE alert_outbox (
  id {{ID}},
  alert_id BIGINT NOT NULL REFERENCES alerts(id),
  reason TEXT NOT NULL,
  level TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  created_at BIGINT NOT NULL
);
CREATE INDEX alert_outbox_state ON alert_outbox(state, id);
)SQL";

}  // namespace

const Migration kAlertMigration = {5, "alert", kAlertCommon, nullptr, nullptr};

}  // namespace anxun::db
