// Writing JSON text directly, for the hot list that skips the DOM (points).
// Appends to a caller's string; values must be valid UTF-8 (everything the
// API stores was checked on the way in). Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::org {

// "text" with quotes, backslashes and control characters escaped.
void AppendJsonString(std::string& out, std::string_view text);
void AppendJsonInt(std::string& out, int64_t v);
// The shortest text that reads back as `v`. REQUIRES: `v` is finite.
void AppendJsonReal(std::string& out, double v);

void AppendJson(std::string& out, const std::optional<std::string>& v);  // null when absent
void AppendJson(std::string& out, const std::optional<int64_t>& v);
void AppendJson(std::string& out, const std::optional<double>& v);

}  // namespace anxun::org
