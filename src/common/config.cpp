#include "common/config.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace anxun {
namespace {

// One settable key: how to read it from a string (env) or a JSON value (file).
struct Setting {
  const char* key;
  std::function<void(Config&, const std::string&)> set;
};

int ToInt(const std::string& key, const std::string& v) {
  try {
    size_t pos = 0;
    const long long n = std::stoll(v, &pos);
    if (pos == v.size()) return static_cast<int>(n);
  } catch (const std::exception&) {
  }
  throw std::runtime_error(fmt::format("setting {}: '{}' is not a number", key, v));
}

bool ToBool(const std::string& key, const std::string& v) {
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "no") return false;
  throw std::runtime_error(fmt::format("setting {}: '{}' is not true or false", key, v));
}

#define ANXUN_STR(k, field)                                 \
  {                                                         \
    k, [](Config& c, const std::string& v) { c.field = v; } \
  }
#define ANXUN_INT(k, field)                                           \
  {                                                                   \
    k, [](Config& c, const std::string& v) { c.field = ToInt(k, v); } \
  }
#define ANXUN_BOOL(k, field)                                           \
  {                                                                    \
    k, [](Config& c, const std::string& v) { c.field = ToBool(k, v); } \
  }

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> settings = {
      ANXUN_STR("listen", listen),
      ANXUN_STR("data", data_dir),
      ANXUN_STR("db", db),
      ANXUN_STR("web_dir", web_dir),
      ANXUN_STR("log.level", log_level),
      ANXUN_BOOL("log.json", log_json),
      ANXUN_STR("tls.cert", tls_cert),
      ANXUN_STR("tls.key", tls_key),
      ANXUN_INT("http.io_threads", io_threads),
      ANXUN_INT("http.worker_threads", worker_threads),
      ANXUN_INT("http.max_connections", max_connections),
      ANXUN_INT("http.max_body_bytes", max_body_bytes),
      ANXUN_INT("http.max_upload_bytes", max_upload_bytes),
      ANXUN_INT("http.max_header_bytes", max_header_bytes),
      ANXUN_INT("http.read_timeout_s", read_timeout_s),
      ANXUN_INT("http.idle_timeout_s", idle_timeout_s),
      ANXUN_INT("http.shutdown_grace_s", shutdown_grace_s),
      ANXUN_INT("db.readers", db_readers),
      ANXUN_INT("auth.session_idle_minutes", session_idle_minutes),
      ANXUN_INT("auth.session_absolute_hours", session_absolute_hours),
      ANXUN_INT("auth.lockout_attempts", lockout_attempts),
      ANXUN_INT("auth.lockout_minutes", lockout_minutes),
      ANXUN_INT("auth.password.min_length", password.min_length),
      ANXUN_INT("auth.password.min_classes", password.min_classes),
      ANXUN_INT("auth.password.admin_max_age_days", password.admin_max_age_days),
      ANXUN_INT("auth.password.user_max_age_days", password.user_max_age_days),
      ANXUN_INT("audit.sign_interval_s", audit_sign_interval_s),
  };
  return settings;
}

std::string EnvName(const std::string& key) {
  std::string out = "ANXUN_";
  for (char ch : key)
    out.push_back(ch == '.' ? '_' : static_cast<char>(std::toupper(ch)));
  return out;
}

// Flattens {"auth": {"lockout_attempts": 5}} into "auth.lockout_attempts" = "5".
void Flatten(const boost::json::value& v, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (const auto& kv : v.as_object()) {
      const std::string key =
          prefix.empty() ? std::string(kv.key()) : prefix + "." + std::string(kv.key());
      Flatten(kv.value(), key, out);
    }
  } else if (v.is_string()) {
    out.emplace_back(prefix, std::string(v.as_string()));
  } else {
    out.emplace_back(prefix, boost::json::serialize(v));
  }
}

void ApplyFile(Config& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("config file {}: cannot be read", path));
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  const auto v = boost::json::parse(ss.str(), ec);
  if (ec || !v.is_object()) {
    throw std::runtime_error(fmt::format("config file {}: not a JSON object", path));
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  Flatten(v, "", pairs);
  for (const auto& [key, value] : pairs) {
    bool known = false;
    for (const auto& s : Settings()) {
      if (key == s.key) {
        s.set(c, value);
        known = true;
      }
    }
    if (!known) throw std::runtime_error(fmt::format("config file {}: unknown key {}", path, key));
  }
}

}  // namespace

Config LoadConfig(const std::string& path) {
  Config c;
  if (!path.empty()) ApplyFile(c, path);
  for (const auto& s : Settings()) {
    if (const char* v = std::getenv(EnvName(s.key).c_str())) s.set(c, v);
  }
  return c;
}

std::string DatabaseUrl(const Config& c) {
  if (!c.db.empty()) return c.db;
  return "sqlite:" + c.data_dir + "/anxun.db";
}

}  // namespace anxun
