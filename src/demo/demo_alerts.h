// Demo alerts: 90 days of camera detections, gas readings, manual alarms and
// (when tasks exist) missed inspections at the demo's points, taken in
// through alert::Ingest at realistic times so merges, level raises and noise
// filters are real; most older alerts then acknowledged and resolved,
// rejected as false alarms or turned into an existing demo hazard by the
// plants' safety officers, a handful left open in the last two days. Also one
// disabled channel of every kind for the chemical plant.
#pragma once

#include "db/db.h"

#include <cstdint>

namespace anxun::demo {

// Inserts the demo events, alerts and channels. REQUIRES: inside
// Database::Write, after the demo org tree, accounts, points and hazards are
// loaded (LoadDemo) and the alert migrations (5–7) are applied. Leaves no
// alert_outbox row pending (the history is not notified again on start).
// Does not audit (LoadDemo appends the demo.load entry). Returns how many
// events it took in (0 when a demo account or plant is missing).
// Deterministic apart from the clock (every instant is relative to NowMs()).
int64_t LoadDemoAlerts(db::Conn& c);

}  // namespace anxun::demo
