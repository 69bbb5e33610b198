#include "api/routes.h"

namespace anxun::api {

void RegisterAllRoutes(http::Router& r) {
  RegisterSystemRoutes(r);
  RegisterAuthRoutes(r);
  RegisterUserRoutes(r);
  RegisterAuditRoutes(r);
  RegisterOrgRoutes(r);
  RegisterFileRoutes(r);
  RegisterHazardRoutes(r);
  RegisterInspectionRoutes(r);
  RegisterAlertRoutes(r);
  RegisterAlertRoutingRoutes(r);
  RegisterAlertDeliveryRoutes(r);
  RegisterPushRoutes(r);
}

}  // namespace anxun::api
