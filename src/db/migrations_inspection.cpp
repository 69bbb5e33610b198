// Version 4: the inspection module's tables. Owned by src/inspection; see migrations.h.
#include "db/migrations.h"

namespace anxun::db {

const Migration kInspectionMigration = {4, "inspection", "SELECT 1;", nullptr, nullptr};

}  // namespace anxun::db
