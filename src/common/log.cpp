#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace anxun {

void InitLogging(const std::string& level, bool json) {
  auto logger = spdlog::get("anxun");
  if (!logger) logger = spdlog::stderr_color_mt("anxun");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  if (json) {
    spdlog::set_pattern(R"({"at":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  }
}

}  // namespace anxun
