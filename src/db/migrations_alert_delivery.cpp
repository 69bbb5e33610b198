// Version 7: delivery of alert notices to outside channels. Owned by
// src/alert/delivery.h; see migrations.h.
//
// alert_channels are the robots, webhooks and mail servers of an org unit
// (secrets in `secret`, never returned in full by the API); deliveries is the
// outbox: one row per (notice, channel), claimed by a worker with a lease
// (state 'sending' + claimed_until) so several servers on one PostgreSQL never
// send the same row at once; delivery_attempts records every try and the
// receiver's answer. users.email (migration 1) holds the mail recipients.
#include "db/migrations.h"

namespace anxun::db {
namespace {

constexpr const char* kAlertDeliveryCommon = R"SQL(
CREATE TABLE alert_channels (
  id {{ID}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('wecom','dingtalk','feishu','webhook','email')),
  min_level TEXT NOT NULL DEFAULT 'general'
    CHECK (min_level IN ('major','serious','general','minor')),
  enabled INTEGER NOT NULL DEFAULT 1,
  url TEXT NOT NULL DEFAULT '',
  secret TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '{}',
  deleted INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX alert_channels_unit ON alert_channels(org_unit_id, enabled);

CREATE TABLE deliveries (
  id {{ID}},
  notice_id BIGINT,
  channel_id BIGINT NOT NULL REFERENCES alert_channels(id),
  org_unit_id BIGINT NOT NULL,
  alert_id BIGINT,
  is_test INTEGER NOT NULL DEFAULT 0,
  notice_kind TEXT NOT NULL,
  level TEXT NOT NULL,
  title TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sending','sent','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  round_attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_until BIGINT,
  claim_token TEXT,
  last_status INTEGER,
  last_response TEXT,
  last_error TEXT,
  sent_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX deliveries_notice_channel ON deliveries(notice_id, channel_id);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_channel ON deliveries(channel_id, id);

CREATE TABLE delivery_attempts (
  id {{ID}},
  delivery_id BIGINT NOT NULL REFERENCES deliveries(id),
  attempt INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  ok INTEGER NOT NULL DEFAULT 0,
  status INTEGER,
  response TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id, id);
)SQL";

}  // namespace

const Migration kAlertDeliveryMigration = {7, "alert delivery", kAlertDeliveryCommon, nullptr,
                                           nullptr};

}  // namespace anxun::db
