#include "hazard/file_access.h"

#include "org/files.h"

namespace anxun::hazard {
namespace {

constexpr const char* kHazardUnitsOfFile =
    "SELECT h.org_unit_id FROM hazard_files hf JOIN hazards h ON h.id = hf.hazard_id "
    "WHERE hf.file_id = ?";

}  // namespace

void RegisterHazardFileAccess() {
  org::RegisterFileReferenceCheck([](db::Conn& c, const auth::Principal& who, int64_t file_id) {
    auto grant = who.grants.find("hazard.view");
    if (grant == who.grants.end()) return false;
    for (const auto& row : c.Query(kHazardUnitsOfFile, {file_id})) {
      if (grant->second.Contains(row.Int(0))) return true;
    }
    return false;
  });
}

}  // namespace anxun::hazard
