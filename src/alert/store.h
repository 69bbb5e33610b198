// Alerts in the database: intake of event batches (filter, merge, raise,
// silence, outbox), reads, the people's actions and silences.
//
// Functions that change data must run inside Database::Write; they do not
// audit (the caller appends the audit entry in the same Write) but do append
// alert_history. `now` is passed in (epoch ms) so tests control time.
// Client mistakes throw ApiError (400 fields, 404 outside scope, 409
// version_conflict / invalid_transition). Stateless; thread-safe given one
// Conn per thread.
#pragma once

#include "alert/engine.h"
#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"
#include "db/query.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::alert {

// The rule's row in alert_rules, or DefaultRule(name).
Rule LoadRule(db::Conn& c, const std::string& name);

// One event to take in: the event, plus for Alertmanager intake when the
// condition started (for min duration) and whether the source says it ended.
struct Incoming {
  Event event;
  std::optional<int64_t> held_since;  // default: the first sighting in the events table
  bool resolved_by_source = false;
};

struct Outcome {
  std::optional<int64_t> event_id;
  std::optional<int64_t> alert_id;
  bool merged = false;
  std::optional<std::string> filtered;  // the filter's reason
  bool silenced = false;
  bool notify = false;    // a notification was queued in alert_outbox
  bool resolved = false;  // the source resolved the alert
  std::string level;      // the alert's level after this event
};

// Takes in `batch` in order (each event sees the ones before it), recording
// every event. Caller runs it inside one Write so the batch is durable or not
// at all. `posted_by` is the poster's user id.
std::vector<Outcome> Ingest(db::Conn& c, const std::vector<Incoming>& batch,
                            std::optional<int64_t> posted_by, int64_t now);

boost::json::object OutcomeJson(const Outcome& o);

struct Alert {
  int64_t id = 0;
  std::string fingerprint, rule, source, level, base_level, status;
  std::optional<std::string> resolution, reject_reason;
  std::optional<int64_t> hazard_id;
  int64_t count = 0, first_seen = 0, last_seen = 0, org_unit_id = 0;
  std::optional<int64_t> area_id, point_id;
  std::optional<std::string> camera_id;
  std::string labels, annotations, latest_payload, latest_file_ids;
  std::optional<int64_t> latest_event_id;
  std::optional<double> latest_confidence;
  bool silenced = false;
  std::optional<int64_t> acknowledged_by, acknowledged_at, resolved_by, resolved_at;
  int64_t version = 1, created_at = 0, updated_at = 0;
};

struct AlertFilter {
  std::optional<std::string> rule, status, level, source, fingerprint;
  std::optional<int64_t> org_unit_id;  // this unit and its descendants
  std::optional<bool> active;          // open or acknowledged
};

const std::vector<std::pair<std::string_view, std::string_view>>& AlertSortFields();

std::optional<Alert> FindAlert(db::Conn& c, int64_t id);
// 404 when missing or outside `scope`.
Alert GetAlertInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);

struct ListResult {
  std::vector<Alert> items;
  int64_t total = 0;
};
ListResult ListAlerts(db::Conn& c, const auth::AccessScope& scope, const AlertFilter& f,
                      const db::Page& page);
// Every active alert in scope (at most `limit`), newest first.
std::vector<Alert> ActiveAlerts(db::Conn& c, const auth::AccessScope& scope, int64_t limit);

boost::json::object ToJson(const Alert& a);
// ToJson plus history and the last events.
boost::json::object DetailJson(db::Conn& c, const Alert& a);

// acknowledge {version, note}; resolve {version, note}; reject {version,
// reason}: open or acknowledged only (409 invalid_transition otherwise),
// stale version 409 version_conflict. Returns before and after.
std::pair<Alert, Alert> TakeAction(db::Conn& c, const auth::Principal& who,
                                   const auth::AccessScope& scope, int64_t id,
                                   const std::string& action, Body& body, int64_t now);
// Checks that `a` may become a hazard (open or acknowledged, version `version`).
void CheckToHazard(const Alert& a, int64_t version);
// Marks `a` resolved as a hazard, linked to `hazard_id`. Returns the alert after.
Alert LinkHazard(db::Conn& c, const auth::Principal& who, const Alert& a, int64_t hazard_id,
                 int64_t now);

// Silences.
struct SilenceRow {
  Silence silence;
  std::string matchers_json;
  int64_t creator_id = 0;
  std::string creator_name;
  std::string reason;
  int64_t org_unit_id = 0;
  std::optional<int64_t> expired_by;
  int64_t version = 1, created_at = 0, updated_at = 0;
};
boost::json::object SilenceJson(const SilenceRow& s, int64_t now);
// {matchers: [{name, value, is_equal}], starts_at, ends_at, reason, org_unit_id}
SilenceRow CreateSilence(db::Conn& c, const auth::Principal& who, const auth::AccessScope& scope,
                         Body& body, int64_t now);
std::vector<SilenceRow> ListSilences(db::Conn& c, const auth::AccessScope& scope,
                                     std::optional<bool> active, int64_t now);
// Ends the silence now (idempotent for an ended one). 404 outside scope.
std::pair<SilenceRow, SilenceRow> ExpireSilence(db::Conn& c, const auth::Principal& who,
                                                const auth::AccessScope& scope, int64_t id,
                                                int64_t now);

}  // namespace anxun::alert
