// Route registration, one function per module (each in routes_<module>.cpp).
#pragma once

#include "http/router.h"

namespace anxun::api {

void RegisterSystemRoutes(http::Router& r);         // healthz, metrics, openapi
void RegisterAuthRoutes(http::Router& r);           // login, logout, me, password, totp
void RegisterUserRoutes(http::Router& r);           // users, roles, permissions
void RegisterAuditRoutes(http::Router& r);          // audit trail search and export
void RegisterOrgRoutes(http::Router& r);            // org units, areas, points, QR labels
void RegisterFileRoutes(http::Router& r);           // uploads and downloads
void RegisterHazardRoutes(http::Router& r);         // the hazard loop
void RegisterInspectionRoutes(http::Router& r);     // plans, routes, checklists, tasks, sync
void RegisterAlertRoutes(http::Router& r);          // events, alerts, silences, Alertmanager intake
void RegisterAlertRoutingRoutes(http::Router& r);   // routing rules, escalation, notifications
void RegisterAlertDeliveryRoutes(http::Router& r);  // channels, test sends, delivery log
void RegisterPushRoutes(http::Router& r);           // the WebSocket of real-time notifications

// Registers every module's routes.
void RegisterAllRoutes(http::Router& r);

}  // namespace anxun::api
