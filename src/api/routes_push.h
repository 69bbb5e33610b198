// The WebSocket endpoint of the real-time channel, GET /api/v1/ws: who may
// open it and how. The hub (src/push) does the rest once it is open.
#pragma once

#include "api/app.h"
#include "http/websocket.h"
#include "push/hub.h"

namespace anxun::api {

// Decides on an upgrade request (the server's UpgradeDispatcher). Upgrades
// to other paths are answered like plain requests through Dispatch. For
// /api/v1/ws: 403 `origin_refused` when Origin names another host than Host
// (cross-site WebSocket hijacking), 401 without a valid session (cookie, or a
// token for non-browser clients: subprotocol `bearer.<token>` or query
// `access_token`), 403 while the password must be changed, 429
// `too_many_connections` over the per-user cap. Never throws.
http::Upgrade DecideUpgrade(App& app, push::Hub& hub, http::Request& req);

}  // namespace anxun::api
