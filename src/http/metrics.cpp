#include "http/metrics.h"

#include <fmt/format.h>

namespace anxun::http {
namespace {

constexpr double kBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
constexpr size_t kBucketCount = sizeof(kBounds) / sizeof(kBounds[0]);

}  // namespace

void Metrics::Observe(const std::string& method, const std::string& route, int status,
                      double seconds) {
  std::lock_guard lk(mu_);
  Series& s = series_[{method, route, status}];
  if (s.buckets.empty()) s.buckets.assign(kBucketCount, 0);
  for (size_t i = 0; i < kBucketCount; ++i) {
    if (seconds <= kBounds[i]) ++s.buckets[i];
  }
  ++s.count;
  s.sum += seconds;
}

std::string Metrics::Render() const {
  std::lock_guard lk(mu_);
  std::string out =
      "# HELP anxun_http_requests_total HTTP requests by method, route and status.\n"
      "# TYPE anxun_http_requests_total counter\n";
  for (const auto& [key, s] : series_) {
    const auto& [method, route, status] = key;
    out += fmt::format("anxun_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       method, route, status, s.count);
  }
  out +=
      "# HELP anxun_http_request_duration_seconds Time to answer a request.\n"
      "# TYPE anxun_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : series_) {
    const auto& [method, route, status] = key;
    const std::string labels =
        fmt::format("method=\"{}\",route=\"{}\",status=\"{}\"", method, route, status);
    for (size_t i = 0; i < kBucketCount; ++i) {
      out += fmt::format("anxun_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                         kBounds[i], s.buckets[i]);
    }
    out += fmt::format("anxun_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                       s.count);
    out += fmt::format("anxun_http_request_duration_seconds_sum{{{}}} {}\n", labels, s.sum);
    out += fmt::format("anxun_http_request_duration_seconds_count{{{}}} {}\n", labels, s.count);
  }
  return out;
}

}  // namespace anxun::http
