// The JSON shape of an org unit, in and out (declared in org_units.h).
#include "common/clock.h"
#include "org/fields.h"
#include "org/org_units.h"

namespace anxun::org {

boost::json::object ToJson(const OrgUnit& u) {
  boost::json::object o;
  o["id"] = u.id;
  o["parent_id"] = OptJson(u.parent_id);
  o["kind"] = u.kind;
  o["code"] = u.code;
  o["name"] = u.name;
  o["timezone"] = u.timezone;
  o["path"] = u.path;
  o["floor_plan_file_id"] = OptJson(u.floor_plan_file_id);
  o["active"] = u.active;
  o["version"] = u.version;
  o["created_at"] = FormatRfc3339(u.created_at);
  o["updated_at"] = FormatRfc3339(u.updated_at);
  return o;
}

OrgUnitInput ReadOrgUnitInput(Body& b) {
  OrgUnitInput in;
  in.parent_id = b.Int("parent_id");
  in.kind = b.Str("kind", true, 16).value_or("");
  in.code = b.Str("code", true, 64).value_or("");
  in.name = b.Str("name", true, 200).value_or("");
  if (auto tz = b.Str("timezone", false, 64); tz && !tz->empty()) in.timezone = *tz;
  b.Done({"parent_id", "kind", "code", "name", "timezone"});
  return in;
}

OrgUnitPatch ReadOrgUnitPatch(Body& b) {
  OrgUnitPatch p;
  p.code = b.Str("code", false, 64);
  p.name = b.Str("name", false, 200);
  p.timezone = b.Str("timezone", false, 64);
  p.parent_id = NullableInt(b, "parent_id");
  p.floor_plan_file_id = NullableInt(b, "floor_plan_file_id");
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"code", "name", "timezone", "parent_id", "floor_plan_file_id", "active", "version"});
  return p;
}

}  // namespace anxun::org
