#include "api/serve.h"

#include "alert/delivery.h"
#include "alert/escalation.h"
#include "alert/notifications.h"
#include "alert/producers.h"
#include "alert/routing.h"
#include "alert/supervision.h"
#include "api/app.h"
#include "api/dispatch.h"
#include "api/jobs.h"
#include "api/routes.h"
#include "api/routes_push.h"
#include "audit/signer.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/version.h"
#include "demo/demo.h"
#include "hazard/file_access.h"
#include "http/server.h"
#include "inspection/generator.h"
#include "push/service.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace anxun::api {
namespace {

std::filesystem::path FindWebDir(const Config& config) {
  if (!config.web_dir.empty()) return config.web_dir;
  std::vector<std::filesystem::path> candidates;
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    const std::filesystem::path dir = std::filesystem::path(std::string(exe, n)).parent_path();
    candidates.push_back(dir / "../web/dist");
    candidates.push_back(dir / "../share/anxun/web");
  }
  candidates.push_back(std::filesystem::current_path() / "web/dist");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(c / "index.html", ec)) return std::filesystem::weakly_canonical(c);
  }
  return {};
}

void PrintDemoAccounts(const std::string& url, const std::string& password, bool generated) {
  std::printf("\n  anxun (安巡) is running at %s\n\n", url.c_str());
  std::printf(
      "  Demo accounts: admin, secadmin, auditor, manager, safety, head, inspector, owner\n");
  if (generated) {
    std::printf("  Password (shown once; set ANXUN_DEMO_PASSWORD to choose one): %s\n\n",
                password.c_str());
  } else {
    std::printf("  Password: the value of ANXUN_DEMO_PASSWORD\n\n");
  }
  std::fflush(stdout);
}

http::ServerOptions ServerOptionsFrom(const Config& c) {
  http::ServerOptions o;
  o.listen = c.listen;
  o.io_threads = c.io_threads;
  o.worker_threads = c.worker_threads;
  o.max_connections = c.max_connections;
  o.max_body_bytes = c.max_body_bytes;
  o.max_upload_bytes = c.max_upload_bytes;
  o.max_header_bytes = c.max_header_bytes;
  o.read_timeout_s = c.read_timeout_s;
  o.idle_timeout_s = c.idle_timeout_s;
  o.shutdown_grace_s = c.shutdown_grace_s;
  o.tls_cert = c.tls_cert;
  o.tls_key = c.tls_key;
  return o;
}

push::ServiceOptions PushOptionsFrom(const Config& c) {
  push::ServiceOptions o;
  o.session_idle_ms = c.session_idle_minutes * kMinuteMs;
  return o;
}

// The periodic work of a running server.
void StartJobs(Jobs& jobs, App& app) {
  jobs.Every("purge-sessions", std::chrono::hours(1), [&app] {
    const int64_t n =
        app.db->Write([&app](db::Conn& c) { return auth::PurgeEndedSessions(c, app.config); });
    if (n > 0) spdlog::info("sessions: purged {} ended session(s)", n);
  });
  // Creates tasks 48 h ahead and marks missed ones; with several servers on
  // one PostgreSQL a lease in the database lets exactly one of them do it.
  jobs.Every("task-generator", std::chrono::minutes(1),
             [&app] { inspection::GenerateTasks(*app.db, NowMs()); });
  // Alerts to people: new alerts are routed at once (polled 4 times a second
  // so a pop-up shows within a second; outbox rows are claimed one by one, so
  // every server may run it); the escalation ladder, the event producers
  // (hazards, task flags) and supervision reminders take leases.
  jobs.Every("alert-dispatch", std::chrono::milliseconds(250),
             [&app] { alert::DispatchOutbox(*app.db, NowMs()); });
  jobs.Every("alert-escalation", std::chrono::seconds(2),
             [&app] { alert::RunEscalations(*app.db, NowMs()); });
  jobs.Every("alert-producers", std::chrono::seconds(3),
             [&app] { alert::RunProducers(*app.db, NowMs()); });
  jobs.Every("alert-supervision", std::chrono::seconds(15),
             [&app] { alert::RunSupervision(*app.db, NowMs()); });
  // Sends alert notices to webhooks, robots and mail (outbox with retries;
  // rows are claimed in the database, so several servers can run it).
  const alert::DeliveryOptions delivery = alert::DeliveryOptionsFromEnv();
  jobs.Every("alert-delivery", std::chrono::milliseconds(delivery.poll_ms),
             [&app, delivery] { alert::RunDeliveryWorker(*app.db, delivery); });
}

}  // namespace

std::unique_ptr<db::Database> OpenDatabase(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("data folder {}: {}", config.data_dir, ec.message()));
  }
  auto db = db::Database::Open(DatabaseUrl(config), config.db_readers);
  const int applied = db->Migrate();
  if (applied > 0) spdlog::info("database: {} migration(s) applied", applied);
  db->Write([](db::Conn& c) { auth::SeedBuiltinRoles(c); });
  return db;
}

bool DatabaseIsEmpty(db::Database& db) {
  return db.Read([](db::Conn& c) {
             return c.QueryInt("SELECT COUNT(*) FROM org_units");
           }).value_or(0) == 0;
}

std::string DemoPassword(bool& generated) {
  if (const char* p = std::getenv("ANXUN_DEMO_PASSWORD"); p && *p) {
    generated = false;
    return p;
  }
  generated = true;
  return "Ax-" + RandomToken(12);
}

int Serve(const Config& config, const ServeOptions& options) {
  App app;
  app.config = config;
  app.data_dir = config.data_dir;
  app.db = OpenDatabase(config);

  bool generated = false;
  std::string demo_password;
  if (options.demo && DatabaseIsEmpty(*app.db)) {
    demo_password = DemoPassword(generated);
    spdlog::info("demo: loading the demo enterprise");
    demo::LoadDemo(*app.db, demo_password);
  }

  RegisterAllRoutes(app.router);
  hazard::RegisterHazardFileAccess();
  if (auto web = FindWebDir(config); !web.empty()) {
    app.web = std::make_unique<http::StaticFiles>(web);
    spdlog::info("web: serving {}", web.string());
  } else {
    spdlog::warn("web: no built web application found (run make); serving the API only");
  }

  // Declared before the server: the server's sockets hold slots of its hub.
  push::Service push(*app.db, PushOptionsFrom(config));
  http::Server server(
      ServerOptionsFrom(config), [&app](http::Request& req) { return Dispatch(app, req); },
      [&app](std::string_view m, std::string_view p) { return IsUploadRoute(app, m, p); });
  server.OnUpgrade(
      [&app, &push](http::Request& req) { return DecideUpgrade(app, push.hub(), req); });
  server.Bind();
  push.Start();
  alert::SetNotificationListener([&push](const std::vector<int64_t>& ids) { push.Notify(ids); });

  audit::HeadSigner signer(app.data_dir, *app.db);
  signer.Start(std::chrono::seconds(std::max(1, config.audit_sign_interval_s)));
  Jobs jobs;
  StartJobs(jobs, app);

  const std::string scheme = config.tls_cert.empty() ? "http" : "https";
  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  const std::string url = fmt::format("{}://{}:{}", scheme, host, server.port());
  spdlog::info("server: anxun {} ({}) listening on {}", Version(), GitRevision(), url);
  if (options.demo) {
    if (!demo_password.empty())
      PrintDemoAccounts(url, demo_password, generated);
    else
      std::printf("\n  anxun (安巡) is running at %s (demo data already loaded)\n\n", url.c_str());
    std::fflush(stdout);
  }

  server.Run();
  spdlog::info("server: stopped accepting; closing the database");
  alert::SetNotificationListener({});
  push.Stop();
  jobs.Stop();
  signer.Stop();
  app.db->Close();
  spdlog::info("server: shut down cleanly");
  return 0;
}

}  // namespace anxun::api
