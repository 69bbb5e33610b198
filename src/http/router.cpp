#include "http/router.h"

#include <stdexcept>

namespace anxun::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Route& Router::Add(std::string method, std::string pattern, Handler handler, std::string summary,
                   std::string tag, Access access) {
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      throw std::logic_error("duplicate route " + method + " " + pattern);
    }
  }
  Route r{std::move(method),
          std::move(pattern),
          std::move(handler),
          access,
          std::move(summary),
          std::move(tag),
          false,
          {}};
  for (auto seg : Split(r.pattern))
    r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
  return routes_.back();
}

const Route* Router::Match(std::string_view method, std::string_view path,
                           std::unordered_map<std::string, std::string>& params,
                           bool& path_matched) const {
  path_matched = false;
  if (path.empty() || path.front() != '/') return nullptr;
  const auto segs = Split(path);
  const Route* best = nullptr;
  int best_literals = -1;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        ok = !segs[i].empty();
      } else {
        ok = p == segs[i];
        ++literals;
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      path_matched = true;
      continue;
    }
    if (literals > best_literals) {  // "/points/labels" beats "/points/{id}"
      best = &r;
      best_literals = literals;
    }
  }
  if (!best) return nullptr;
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& p = best->segments[i];
    if (p.size() > 2 && p.front() == '{') params[p.substr(1, p.size() - 2)] = std::string(segs[i]);
  }
  return best;
}

}  // namespace anxun::http
