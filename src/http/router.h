// A small router of our own: routes are (method, pattern) with `{name}` path
// parameters, plus the metadata the OpenAPI test and the middleware need.
// Register everything before serving; lookups are then read-only and
// thread-safe.
#pragma once

#include "http/request.h"

#include <functional>
#include <string>
#include <vector>

namespace anxun::api {
struct Context;
}

namespace anxun::http {

using Handler = std::function<Response(api::Context&)>;

enum class Access {
  kPublic,         // no session needed (login, health)
  kAuthenticated,  // any valid session; handlers check permissions themselves
};

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/points/{id}"
  Handler handler;
  Access access = Access::kAuthenticated;
  std::string summary;                // one line for the OpenAPI document
  std::string tag;                    // module, e.g. "org"
  bool upload = false;                // takes the upload body limit instead of the JSON one
  std::vector<std::string> segments;  // pattern split on '/'
};

class Router {
 public:
  // Adds a route. Throws std::logic_error on a duplicate (method, pattern).
  Route& Add(std::string method, std::string pattern, Handler handler, std::string summary,
             std::string tag, Access access = Access::kAuthenticated);

  // Finds the route for (method, path) and fills `params`. Returns nullptr
  // when nothing matches; sets `path_matched` when the path exists under
  // another method (the caller answers 405).
  const Route* Match(std::string_view method, std::string_view path,
                     std::unordered_map<std::string, std::string>& params,
                     bool& path_matched) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace anxun::http
