// Reading request bodies: typed accessors over a Boost.JSON object that
// collect field errors instead of throwing at the first one, and reject
// unknown fields so that a typo never silently does nothing.
#pragma once

#include "common/error.h"

#include <boost/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun {

// Parses `body` as a JSON object; throws 400 `malformed_json` (or
// `invalid_utf8`) when it is not one.
boost::json::object ParseJsonObject(std::string_view body);

// A view over one request body. Each getter records a field error (wrong type,
// missing when required, out of range) and returns nullopt; call Done() at the
// end to throw the collected 400. Not thread-safe; lives for one request.
class Body {
 public:
  explicit Body(boost::json::object obj) : obj_(std::move(obj)) {}

  bool Has(std::string_view key) const;
  std::optional<std::string> Str(std::string_view key, bool required = false, size_t max_len = 200);
  std::optional<int64_t> Int(std::string_view key, bool required = false);
  std::optional<double> Real(std::string_view key, bool required = false);
  std::optional<bool> Bool(std::string_view key, bool required = false);
  std::optional<std::vector<int64_t>> IntList(std::string_view key, bool required = false);
  std::optional<std::vector<std::string>> StrList(std::string_view key, bool required = false);
  // An RFC 3339 instant as epoch milliseconds.
  std::optional<int64_t> Time(std::string_view key, bool required = false);
  const boost::json::value* Raw(std::string_view key) const;

  // Records an error for a field the caller checked itself.
  void Fail(std::string_view key, std::string_view message) { errors_.Add(key, message); }

  // Throws 400 when any field failed or when the body holds a key outside
  // `allowed` (details.fields[key] = "unknown field").
  void Done(std::initializer_list<std::string_view> allowed);
  // Throws the collected field errors, without the unknown-field check.
  void Done();

 private:
  boost::json::object obj_;
  FieldErrors errors_;
};

std::string JsonString(const boost::json::value& v);

// JSON helpers for rows: null when absent.
boost::json::value OptJson(const std::optional<std::string>& v);
boost::json::value OptJson(const std::optional<int64_t>& v);
boost::json::value OptTimeJson(const std::optional<int64_t>& ms);

}  // namespace anxun
