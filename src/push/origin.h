// The cross-site check of WebSocket handshakes. Browsers send Origin on every
// WebSocket handshake and let any site open one, cookies included, so the
// server must refuse origins other than its own (cross-site WebSocket
// hijacking). Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace anxun::push {

// True when `origin` ("https://plant.example:8443") names the same host and
// port as the request's `host` header ("plant.example:8443"); a missing port
// is the scheme's default on both sides. Case-insensitive. False for "null",
// an empty origin, or anything that does not parse.
bool SameOrigin(std::string_view origin, std::string_view host);

}  // namespace anxun::push
