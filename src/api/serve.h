// Start-up and shutdown of the server, shared by `anxun serve` and tests.
#pragma once

#include "common/config.h"
#include "db/db.h"

#include <memory>
#include <string>

namespace anxun::api {

// Creates the data folder, opens the database, applies migrations and seeds
// the built-in roles. Throws std::runtime_error / db::DbError with one line.
std::unique_ptr<db::Database> OpenDatabase(const Config& config);

// True when the database holds no org unit yet.
bool DatabaseIsEmpty(db::Database& db);

// The demo accounts' password: ANXUN_DEMO_PASSWORD, or a fresh random one.
std::string DemoPassword(bool& generated);

struct ServeOptions {
  bool demo = false;
};

// Runs the server until SIGINT/SIGTERM. Returns the exit code.
int Serve(const Config& config, const ServeOptions& options);

}  // namespace anxun::api
