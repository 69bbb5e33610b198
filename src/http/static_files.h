// Serves the built web application (web/dist) from the same port as the API:
// correct MIME types, long-lived caching for hashed assets, no-cache for
// index.html, and history-mode fallback to index.html for app routes.
// Thread-safe; file contents are cached in memory after the first read.
#pragma once

#include "http/request.h"

#include <filesystem>
#include <memory>

namespace anxun::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  ~StaticFiles();

  // Answers GET/HEAD of `req.path`. Paths with "..", backslashes or NUL
  // answer 400 `bad_path`; a missing file with an extension answers 404;
  // anything else falls back to index.html (503 when the app is not built).
  Response Serve(const Request& req) const;

  const std::filesystem::path& root() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "text/css; charset=utf-8" for "x.css", ...; "application/octet-stream" when unknown.
std::string_view MimeType(std::string_view path);

}  // namespace anxun::http
