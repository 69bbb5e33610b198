#include "api/openapi.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <stdexcept>

namespace anxun::api {
namespace {

boost::json::object BaseDocument() {
  return boost::json::parse(R"({
  "openapi": "3.1.0",
  "info": {
    "title": "anxun (安巡) API",
    "version": "1",
    "description": "Industrial safety inspection: org tree, points, accounts, audit trail, and the modules built on them. Errors always answer {\"error\": {\"code\", \"message\", \"details\", \"request_id\"}}. Lists answer {\"items\", \"total\", \"page\", \"page_size\"} and take page (from 1), page_size (up to 200) and sort (field or -field)."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}, {"cookie": []}],
  "components": {
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer"},
      "cookie": {"type": "apiKey", "in": "cookie", "name": "anxun_session",
                 "description": "Web sessions; state-changing requests also need the X-CSRF-Token header."}
    },
    "schemas": {
      "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
          "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                         "details": {"type": "object"}, "request_id": {"type": "string"}}}}
      },
      "Page": {
        "type": "object", "required": ["items", "total", "page", "page_size"],
        "properties": {"items": {"type": "array"}, "total": {"type": "integer"},
                       "page": {"type": "integer"}, "page_size": {"type": "integer"}}
      }
    }
  },
  "paths": {}
})")
      .as_object();
}

void MergeInto(boost::json::object& target, const boost::json::object& source) {
  for (const auto& kv : source) {
    auto* existing = target.if_contains(kv.key());
    if (existing && existing->is_object() && kv.value().is_object()) {
      MergeInto(existing->as_object(), kv.value().as_object());
    } else {
      target[kv.key()] = kv.value();
    }
  }
}

}  // namespace

boost::json::object OpenApiDocument() {
  boost::json::object doc = BaseDocument();
  for (const auto& [name, text] : OpenApiParts()) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) {
      throw std::runtime_error(fmt::format("openapi part {} is not a JSON object", name));
    }
    const auto& part = v.as_object();
    if (part.contains("paths")) {
      MergeInto(doc["paths"].as_object(), part.at("paths").as_object());
      if (const auto* comps = part.if_contains("components")) {
        MergeInto(doc["components"].as_object(), comps->as_object());
      }
    } else {
      MergeInto(doc["paths"].as_object(), part);
    }
  }
  return doc;
}

}  // namespace anxun::api
