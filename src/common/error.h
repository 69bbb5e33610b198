// Request failures that reach a client.
//
// An ApiError carries what the client sees (status, snake_case code, message,
// details) apart from what goes to the log. Domain code throws it; the HTTP
// layer maps it to the one JSON error body in one place (http/api_error.cpp).
// Anything else thrown out of a handler becomes a 500 whose body says nothing
// about internals.
#pragma once

#include <boost/json/object.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace anxun {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, std::string message, boost::json::object details = {});

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const boost::json::object& details() const { return details_; }

 private:
  int status_;
  std::string code_;
  boost::json::object details_;
};

// Shorthands for the common failures. `what` names the object for the message.
ApiError BadRequest(std::string code, std::string message, boost::json::object details = {});
ApiError NotFound(std::string_view what = "record");
ApiError Forbidden(std::string message = "你没有执行此操作的权限 / permission denied");
ApiError Conflict(std::string code, std::string message, boost::json::object details = {});
ApiError Unauthenticated(std::string code = "unauthenticated",
                         std::string message = "请先登录 / login required");

// Collects field validation messages and throws one 400 `validation_failed`
// with details.fields = {field: message} when any were added.
class FieldErrors {
 public:
  void Add(std::string_view field, std::string_view message);
  bool empty() const { return fields_.empty(); }
  void ThrowIfAny() const;

 private:
  boost::json::object fields_;
};

}  // namespace anxun
