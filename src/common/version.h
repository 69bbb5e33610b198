// Build identity, for --version, /metrics and logs.
#pragma once

#include <string_view>

namespace anxun {

std::string_view Version();      // "0.1.0"
std::string_view GitRevision();  // short commit, or "unknown"

}  // namespace anxun
