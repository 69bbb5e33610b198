// Field rules and body readers shared by org units, areas and points.
#pragma once

#include "common/error.h"
#include "common/json.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::org {

// Record codes (units, areas, points) are 1..64 characters of A-Z a-z 0-9
// . _ - starting with a letter or digit: they go into QR payloads and file
// names, so nothing that needs escaping.
bool IsValidCode(std::string_view code);
constexpr std::string_view kCodeRule =
    "只能包含字母、数字、. _ -，不超过 64 个字符 / letters, digits, . _ - only, at most 64";

// A nullable PATCH field: nullopt when absent, an empty inner optional when
// the client sent null. Type errors are recorded in `b` (thrown by Done()).
std::optional<std::optional<int64_t>> NullableInt(Body& b, std::string_view key);
std::optional<std::optional<double>> NullableReal(Body& b, std::string_view key);
std::optional<std::optional<std::string>> NullableStr(Body& b, std::string_view key,
                                                      size_t max_len = 200);

// A floor-plan fraction: inside 0..1 (both ends included).
bool IsFraction(const std::optional<double>& v);

boost::json::value OptReal(const std::optional<double>& v);

ApiError VersionConflict();
ApiError DuplicateCode(std::string_view code);

}  // namespace anxun::org
