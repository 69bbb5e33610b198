// Logging: one spdlog logger for the program. Lines name the object first,
// then values: `point 12: created (by=3)`. Never log a password, token or
// personal data.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace anxun {

// Sets up the default logger: `level` is trace|debug|info|warn|error; `json`
// writes one JSON object per line instead of text. Safe to call again.
void InitLogging(const std::string& level, bool json = false);

}  // namespace anxun
