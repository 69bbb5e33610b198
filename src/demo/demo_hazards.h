// Demo hazards: 90 days of hazards of the chemical and machining plants, in
// every state, at every level, from every source — including returned,
// extended, overdue, supervised ones and one major hazard with its
// governance plan — each with its history and reviews.
#pragma once

#include "db/db.h"

namespace anxun::demo {

// Inserts the demo hazards. REQUIRES: inside Database::Write, after the demo
// org tree, accounts and points are loaded (LoadDemo) and migration 3 is
// applied. Returns how many hazards it created (0 when a demo account or
// plant is missing). Deterministic apart from the clock (found_at is relative
// to NowMs()).
int64_t LoadDemoHazards(db::Conn& c);

}  // namespace anxun::demo
