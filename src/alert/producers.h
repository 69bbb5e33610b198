// In-process event producers: what the hazard and inspection modules record
// becomes events through the alert intake (Ingest), so they reach people by
// the same routing, merging and silences as camera and sensor events.
//
// The coupling is one-way: hazard and inspection know nothing of alerts; the
// producers read their tables and remember what they took, in the same Write
// as the events they ingest (so a crash loses and repeats nothing):
//   hazard.major_reported  a hazard that is (or became) major and is open —
//                          new hazard_history rows after a stored cursor,
//                          once per hazard (alert_producer_marks);
//   hazard.overdue         a hazard past its deadline while being verified or
//                          rectified, once per hazard and deadline;
//   inspection.missed /    task_flags the inspection module leaves for us
//   inspection.late /      (missed tasks, late completion, manual check-ins
//   inspection.manual_check_in  when QR/NFC failed), claimed by consumed_at.
// With several servers one runs them (lease "alert_producers"); the claims
// keep them exactly-once even when a lease changes hands mid-run.
#pragma once

#include "alert/escalation.h"
#include "db/db.h"

#include <cstdint>
#include <string_view>

namespace anxun::alert {

// Each takes up to `limit` new records and ingests their events; returns how
// many events. REQUIRES: inside Write.
int64_t ProduceMajorHazards(db::Conn& c, int64_t now, int64_t limit);
int64_t ProduceOverdueHazards(db::Conn& c, int64_t now, int64_t limit);
int64_t ProduceTaskFlags(db::Conn& c, int64_t now, int64_t limit);

struct ProducerRun {
  bool leased = false;
  int64_t events = 0;
};

// The job: lease, then each producer in its own Write. A failing producer is
// logged and does not stop the others.
ProducerRun RunProducers(db::Database& db, int64_t now, std::string_view holder = LeaseHolder(),
                         int64_t limit = 200);

}  // namespace anxun::alert
