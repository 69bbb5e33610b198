// What a route handler receives: the request, the program's services, and —
// for authenticated routes — the caller.
#pragma once

#include "audit/audit.h"
#include "auth/principal.h"
#include "http/request.h"

#include <optional>

namespace anxun::api {

struct App;

struct Context {
  http::Request& req;
  App& app;
  std::optional<auth::Principal> principal;
  // Headers the handler wants added to its response (e.g. Set-Cookie).
  std::vector<std::pair<std::string, std::string>> extra_headers;

  // The caller; throws 401 when the route was called without a session.
  const auth::Principal& user() const;
  // Who to write into the audit trail for this request.
  audit::Actor actor() const;
};

}  // namespace anxun::api
