// The one path every request takes: request id, routing, authentication,
// CSRF, the handler, the error body, security headers, metrics and the access
// log. Errors are mapped to {"error": {code, message, details, request_id}}
// here and nowhere else.
#pragma once

#include "api/app.h"
#include "http/request.h"

namespace anxun::api {

// Answers `req`. Never throws. Thread-safe.
http::Response Dispatch(App& app, http::Request& req);

// True for routes registered as uploads (the server uses the larger body limit).
bool IsUploadRoute(const App& app, std::string_view method, std::string_view path);

}  // namespace anxun::api
