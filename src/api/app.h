// The program's services, built once at start and shared by all requests.
#pragma once

#include "common/config.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"

#include <filesystem>
#include <memory>

namespace anxun::api {

struct App {
  Config config;
  std::filesystem::path data_dir;
  std::unique_ptr<db::Database> db;
  http::Router router;
  http::Metrics metrics;
  std::unique_ptr<http::StaticFiles> web;  // null when no web directory was found
};

}  // namespace anxun::api
