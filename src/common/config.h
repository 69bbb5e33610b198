// Program settings. Sources, weakest first: built-in defaults, the config file
// (JSON, keys as below), ANXUN_* environment variables (the key upper-cased,
// dots as underscores: auth.lockout_attempts -> ANXUN_AUTH_LOCKOUT_ATTEMPTS),
// then command-line flags, applied by the caller.
#pragma once

#include <cstdint>
#include <string>

namespace anxun {

struct PasswordPolicy {
  int min_length = 12;
  int min_classes = 3;          // of lower, upper, digit, symbol
  int admin_max_age_days = 90;  // 0 = never expires
  int user_max_age_days = 0;
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string db;       // "" = sqlite:<data_dir>/anxun.db
  std::string web_dir;  // "" = auto (./web/dist beside the binary's repo)
  std::string log_level = "info";
  bool log_json = false;
  std::string tls_cert;
  std::string tls_key;

  int io_threads = 2;
  int worker_threads = 64;  // request handlers block on the database here
  int max_connections = 4096;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_upload_bytes = 50 << 20;
  int max_header_bytes = 16 << 10;
  int read_timeout_s = 30;
  int idle_timeout_s = 75;
  int shutdown_grace_s = 10;
  int db_readers = 8;

  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int lockout_attempts = 5;
  int lockout_minutes = 30;
  PasswordPolicy password;
  int audit_sign_interval_s = 60;
};

// Loads defaults + file (when `path` is not empty) + environment. Throws
// std::runtime_error with a one-line message on an unreadable file or a bad value.
Config LoadConfig(const std::string& path);

// The database URL after defaults: "sqlite:<data_dir>/anxun.db" when unset.
std::string DatabaseUrl(const Config& c);

}  // namespace anxun
