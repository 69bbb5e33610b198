#include "push/origin.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace anxun::push {
namespace {

struct HostPort {
  std::string host;
  std::string port;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "name", "name:port", "[v6]" or "[v6]:port"; the port filled with `default_port`.
std::optional<HostPort> ParseHostPort(std::string_view s, std::string_view default_port) {
  if (s.empty()) return std::nullopt;
  size_t host_end = s.rfind(':');
  if (s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host_end = close + 1 < s.size() ? close + 1 : std::string_view::npos;
    if (host_end != std::string_view::npos && s[host_end] != ':') return std::nullopt;
  }
  HostPort hp{Lower(s.substr(0, host_end)), std::string(default_port)};
  if (host_end != std::string_view::npos) hp.port = std::string(s.substr(host_end + 1));
  if (hp.host.empty() || hp.port.empty()) return std::nullopt;
  if (!std::all_of(hp.port.begin(), hp.port.end(), ::isdigit)) return std::nullopt;
  return hp;
}

}  // namespace

bool SameOrigin(std::string_view origin, std::string_view host) {
  const size_t sep = origin.find("://");
  if (sep == std::string_view::npos) return false;
  const std::string scheme = Lower(origin.substr(0, sep));
  std::string_view rest = origin.substr(sep + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string_view default_port;
  if (scheme == "http" || scheme == "ws") default_port = "80";
  if (scheme == "https" || scheme == "wss") default_port = "443";
  if (default_port.empty()) return false;

  const auto a = ParseHostPort(rest, default_port);
  const auto b = ParseHostPort(host, default_port);
  return a && b && a->host == b->host && a->port == b->port;
}

}  // namespace anxun::push
