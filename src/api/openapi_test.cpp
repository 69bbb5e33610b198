// The served OpenAPI document and the router's table must describe the same
// routes: every route documented, nothing documented that does not exist.
#include "api/openapi.h"
#include "api/routes.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <string>

namespace anxun::api {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::set<std::string> RouterTable() {
  http::Router router;
  RegisterAllRoutes(router);
  std::set<std::string> out;
  for (const auto& r : router.routes())
    out.insert(Lower(r.method) + " " + r.pattern);
  return out;
}

std::set<std::string> Documented() {
  const auto doc = OpenApiDocument();
  std::set<std::string> out;
  for (const auto& path : doc.at("paths").as_object()) {
    for (const auto& op : path.value().as_object()) {
      if (op.key() == "parameters" || op.key() == "summary") continue;
      out.insert(std::string(op.key()) + " " + std::string(path.key()));
    }
  }
  return out;
}

TEST(OpenApi, DocumentsEveryRoute) {
  const auto documented = Documented();
  for (const auto& route : RouterTable()) {
    EXPECT_TRUE(documented.count(route)) << "not in the OpenAPI document: " << route;
  }
}

TEST(OpenApi, DocumentsNothingElse) {
  const auto routes = RouterTable();
  for (const auto& doc : Documented()) {
    EXPECT_TRUE(routes.count(doc)) << "documented but not routed: " << doc;
  }
}

TEST(OpenApi, IsVersion31WithErrorSchema) {
  const auto doc = OpenApiDocument();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  EXPECT_TRUE(doc.at("components").as_object().at("schemas").as_object().contains("Error"));
}

}  // namespace
}  // namespace anxun::api
