// Prometheus metrics: request counts and latency histograms by route and
// status, plus gauges the caller adds at render time. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace anxun::http {

class Metrics {
 public:
  // Records one request. `route` is the route pattern (never the raw path,
  // so ids do not explode the label set).
  void Observe(const std::string& method, const std::string& route, int status, double seconds);

  // The request metrics in the text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  struct Series {
    std::vector<int64_t> buckets;
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, Series> series_;
};

}  // namespace anxun::http
