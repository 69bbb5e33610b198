// Version 3: the hazard module's tables. Owned by src/hazard; see migrations.h.
#include "db/migrations.h"

namespace anxun::db {

const Migration kHazardMigration = {3, "hazard", "SELECT 1;", nullptr, nullptr};

}  // namespace anxun::db
