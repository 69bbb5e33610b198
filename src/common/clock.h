// Time for the whole program: instants are int64 milliseconds since the Unix
// epoch, UTC. Stored that way in both databases; shown as RFC 3339.
//
// NowMs() reads the process clock, which tests may replace (no sleeping in
// tests). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anxun {

int64_t NowMs();

// Replaces the clock for tests; pass 0 to go back to the real clock.
void SetNowForTesting(int64_t ms);
void AdvanceNowForTesting(int64_t delta_ms);

// "2026-12-03T10:00:00Z", or "2026-12-03T10:00:00.250Z" when ms are not zero.
std::string FormatRfc3339(int64_t ms);

// Accepts RFC 3339 with "Z" or a numeric offset, seconds fraction optional.
// Returns nullopt for anything else.
std::optional<int64_t> ParseRfc3339(std::string_view text);

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

}  // namespace anxun
