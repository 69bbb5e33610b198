// Files attached to hazards are readable by whoever may read the hazard.
#pragma once

namespace anxun::hazard {

// Registers the check with org's file access (call once at start).
void RegisterHazardFileAccess();

}  // namespace anxun::hazard
