#include "http/static_files.h"

#include "common/error.h"

#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace anxun::http {
namespace {

struct Cached {
  std::string body;
  std::filesystem::file_time_type mtime;
};

bool SafePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  size_t start = 1;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view seg = path.substr(start, end - start);
    if (seg == ".." || seg == ".") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string_view MimeType(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".mp3", "audio/mpeg"},
      {".wav", "audio/wav"},
  };
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const std::string_view ext = path.substr(dot);
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

struct StaticFiles::Impl {
  std::filesystem::path root;
  mutable std::mutex mu;
  mutable std::unordered_map<std::string, Cached> cache;

  // Reads `rel` under root, from the cache when the file did not change.
  std::optional<std::string> Read(const std::string& rel) const {
    const auto full = root / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(full, ec)) return std::nullopt;
    const auto mtime = std::filesystem::last_write_time(full, ec);
    {
      std::lock_guard lk(mu);
      auto it = cache.find(rel);
      if (it != cache.end() && it->second.mtime == mtime) return it->second.body;
    }
    std::ifstream in(full, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    std::lock_guard lk(mu);
    cache[rel] = Cached{ss.str(), mtime};
    return cache[rel].body;
  }
};

StaticFiles::StaticFiles(std::filesystem::path root) : impl_(std::make_unique<Impl>()) {
  impl_->root = std::move(root);
}

StaticFiles::~StaticFiles() = default;

const std::filesystem::path& StaticFiles::root() const {
  return impl_->root;
}

Response StaticFiles::Serve(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") {
    throw ApiError(405, "method_not_allowed", "不支持的方法 / method not allowed");
  }
  if (!SafePath(req.path)) throw BadRequest("bad_path", "无效的路径 / invalid path");

  std::string rel = req.path.substr(1);
  if (rel.empty()) rel = "index.html";
  if (auto body = impl_->Read(rel)) {
    Response res = Response::Bytes(std::move(*body), std::string(MimeType(rel)));
    const bool hashed = rel.starts_with("assets/");
    res.SetHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    return res;
  }

  const std::string last = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/'));
  if (last.find('.') != std::string::npos) throw NotFound("file");
  auto index = impl_->Read("index.html");
  if (!index) {
    throw ApiError(503, "web_not_built", "网页应用尚未构建 / the web application is not built");
  }
  Response res = Response::Bytes(std::move(*index), "text/html; charset=utf-8");
  res.SetHeader("Cache-Control", "no-cache");
  return res;
}

}  // namespace anxun::http
