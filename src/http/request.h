// The HTTP request and response as the handlers see them — plain structs,
// free of Beast, so that route files compile quickly and read simply.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace anxun::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received, path and query
  std::string path;    // percent-decoded path, without the query
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::unordered_map<std::string, std::string> query;        // decoded; last value wins
  std::unordered_map<std::string, std::string> path_params;  // filled by the router

  // Header value by lower-case name, "" when absent.
  std::string_view Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view key) const;
  std::string Cookie(std::string_view name) const;
  const std::string& Param(const std::string& name) const;
  // The path parameter as a positive id; throws 404 when it is not one.
  int64_t IdParam(const std::string& name = "id") const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(const boost::json::value& v, int status = 200);
  static Response Bytes(std::string body, std::string content_type, int status = 200);
  static Response NoContent();
  void SetHeader(std::string name, std::string value);
};

// Splits "a=1&b=%E4%B8%AD" into decoded pairs. Invalid escapes are kept as-is.
std::unordered_map<std::string, std::string> ParseQuery(std::string_view query);

// Percent-decodes `s` ('+' stays '+'). Returns nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view s);

}  // namespace anxun::http
