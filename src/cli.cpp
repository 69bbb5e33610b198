#include "cli.h"

#include "api/serve.h"
#include "audit/audit.h"
#include "audit/verify.h"
#include "auth/users.h"
#include "common/config.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/version.h"
#include "demo/demo.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <termios.h>
#include <unistd.h>
#include <iostream>
#include <optional>

namespace anxun {
namespace {

// Flags shared by every sub-command that opens the database.
struct Common {
  std::string config_file;
  std::optional<std::string> data;
  std::optional<std::string> db;
  std::optional<std::string> log_level;

  void AddTo(CLI::App* app) {
    app->add_option("--config", config_file, "JSON config file")->check(CLI::ExistingFile);
    app->add_option("--data", data, "data folder (default ./data)");
    app->add_option("--db", db, "sqlite:PATH or postgresql://... (default sqlite:DATA/anxun.db)");
    app->add_option("--log-level", log_level, "trace|debug|info|warn|error");
  }

  Config Load() const {
    Config c = LoadConfig(config_file);
    if (data) c.data_dir = *data;
    if (db) c.db = *db;
    if (log_level) c.log_level = *log_level;
    return c;
  }
};

// Reads a password without echo when stdin is a terminal.
std::string ReadPassword(const char* prompt) {
  std::string pw;
  if (isatty(STDIN_FILENO)) {
    std::cerr << prompt << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, pw);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, pw);
  }
  return pw;
}

audit::Actor CliActor() {
  audit::Actor a;
  a.name = "cli";
  a.ip = "local";
  return a;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"anxun (安巡) — industrial safety inspection"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string(Version()) + " (" + std::string(GitRevision()) + ")");

  Common common;
  auto* serve = app.add_subcommand("serve", "run the web server");
  common.AddTo(serve);
  std::optional<std::string> listen, tls_cert, tls_key, web_dir;
  bool demo = false;
  serve->add_option("--listen", listen, "host:port (default 127.0.0.1:8080)");
  serve->add_flag("--demo", demo, "load the demo enterprise into an empty database");
  serve->add_option("--tls-cert", tls_cert, "PEM certificate chain")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls_key, "PEM private key")->check(CLI::ExistingFile);
  serve->add_option("--web-dir", web_dir, "built web application (default: web/dist)");

  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  common.AddTo(migrate);
  auto* demo_cmd = app.add_subcommand("demo", "load the demo enterprise into an existing database");
  common.AddTo(demo_cmd);

  auto* user = app.add_subcommand("user", "manage accounts");
  user->require_subcommand(1);
  std::string username, display_name, org_code;
  std::vector<std::string> role_codes;
  auto* user_add = user->add_subcommand("add", "create an account (asks for the password)");
  common.AddTo(user_add);
  user_add->add_option("username", username)->required();
  user_add->add_option("--name", display_name, "display name")->required();
  user_add->add_option("--org-unit", org_code, "org unit code")->required();
  user_add->add_option("--role", role_codes, "role code (repeatable)")->required();
  auto* user_passwd = user->add_subcommand("passwd", "set an account's password (asks for it)");
  auto* user_lock = user->add_subcommand("lock", "lock an account");
  auto* user_unlock = user->add_subcommand("unlock", "unlock an account");
  for (auto* sub : {user_passwd, user_lock, user_unlock}) {
    common.AddTo(sub);
    sub->add_option("username", username)->required();
  }

  auto* audit_cmd = app.add_subcommand("audit", "the audit trail");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand("verify", "check the hash chain and the signed heads");
  common.AddTo(verify);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    InitCrypto();
    Config cfg = (serve->parsed() ? common : common).Load();
    if (listen) cfg.listen = *listen;
    if (tls_cert) cfg.tls_cert = *tls_cert;
    if (tls_key) cfg.tls_key = *tls_key;
    if (web_dir) cfg.web_dir = *web_dir;
    InitLogging(cfg.log_level, cfg.log_json);

    if (serve->parsed()) return api::Serve(cfg, api::ServeOptions{demo});

    auto db = api::OpenDatabase(cfg);
    if (migrate->parsed()) {
      std::printf("database at schema version %d\n", db->SchemaVersion());
    } else if (demo_cmd->parsed()) {
      if (!api::DatabaseIsEmpty(*db)) throw std::runtime_error("the database already holds data");
      bool generated = false;
      const std::string pw = api::DemoPassword(generated);
      demo::LoadDemo(*db, pw);
      std::printf("demo loaded; password: %s\n", generated ? pw.c_str() : "$ANXUN_DEMO_PASSWORD");
    } else if (user_add->parsed()) {
      const std::string pw = ReadPassword("password: ");
      auth::CliCreateUser(*db, cfg, CliActor(), username, display_name, org_code, role_codes, pw);
      std::printf("user %s created; the password must be changed at first login\n",
                  username.c_str());
    } else if (user_passwd->parsed()) {
      const std::string pw = ReadPassword("new password: ");
      auth::CliSetPassword(*db, cfg, CliActor(), username, pw);
      std::printf("password of %s changed\n", username.c_str());
    } else if (user_lock->parsed() || user_unlock->parsed()) {
      auth::CliSetLocked(*db, CliActor(), username, user_lock->parsed());
      std::printf("user %s %s\n", username.c_str(), user_lock->parsed() ? "locked" : "unlocked");
    } else if (verify->parsed()) {
      const auto result =
          db->Read([&](db::Conn& c) { return audit::VerifyChain(c, cfg.data_dir); });
      if (!result.ok) {
        std::fprintf(stderr, "audit trail: FAILED: %s\n", result.problem.c_str());
        db->Close();
        return 3;
      }
      std::printf("audit trail: ok (%lld entries, %lld signed heads)\n",
                  static_cast<long long>(result.entries_checked),
                  static_cast<long long>(result.heads_checked));
    }
    db->Close();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "anxun: %s\n", e.what());
    return 1;
  }
}

}  // namespace anxun
