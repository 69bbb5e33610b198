#include "common/error.h"

#include <fmt/format.h>

namespace anxun {

ApiError::ApiError(int status, std::string code, std::string message, boost::json::object details)
    : std::runtime_error(message),
      status_(status),
      code_(std::move(code)),
      details_(std::move(details)) {}

ApiError BadRequest(std::string code, std::string message, boost::json::object details) {
  return ApiError(400, std::move(code), std::move(message), std::move(details));
}

ApiError NotFound(std::string_view what) {
  return ApiError(404, "not_found", fmt::format("{} 不存在 / {} not found", what, what));
}

ApiError Forbidden(std::string message) {
  return ApiError(403, "forbidden", std::move(message));
}

ApiError Conflict(std::string code, std::string message, boost::json::object details) {
  return ApiError(409, std::move(code), std::move(message), std::move(details));
}

ApiError Unauthenticated(std::string code, std::string message) {
  return ApiError(401, std::move(code), std::move(message));
}

void FieldErrors::Add(std::string_view field, std::string_view message) {
  if (!fields_.contains(field)) fields_[field] = message;
}

void FieldErrors::ThrowIfAny() const {
  if (fields_.empty()) return;
  boost::json::object details;
  details["fields"] = fields_;
  throw BadRequest("validation_failed", "输入有误 / invalid input", std::move(details));
}

}  // namespace anxun
