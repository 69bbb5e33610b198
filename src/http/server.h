// The HTTP server: Boost.Beast over Asio with C++20 coroutines, HTTP/1.1
// keep-alive, optional TLS. Beast stays inside server.cpp; handlers see only
// http::Request / http::Response.
//
// Connections are served by coroutines on `io_threads`; each request is
// dispatched to a worker pool (handlers may block on the database and on
// Argon2id) and the answer is written back from the I/O thread.
#pragma once

#include "http/request.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace anxun::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int io_threads = 2;
  int worker_threads = 64;
  int max_connections = 4096;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_upload_bytes = 50 << 20;
  int max_header_bytes = 16 << 10;
  int read_timeout_s = 30;  // a whole request must arrive within this
  int idle_timeout_s = 75;  // keep-alive connections idle longer are closed
  int shutdown_grace_s = 10;
  std::string tls_cert;  // PEM files; both set = HTTPS
  std::string tls_key;
};

// Answers one request. Called on a worker thread; must not throw.
using Dispatcher = std::function<Response(Request&)>;
// Whether (method, path) takes the upload body limit instead of the JSON one.
using IsUpload = std::function<bool(std::string_view method, std::string_view path)>;

class Server {
 public:
  Server(ServerOptions options, Dispatcher dispatch, IsUpload is_upload);
  ~Server();

  // Binds and listens. Throws std::runtime_error with a one-line message when
  // the address is bad or the port is busy.
  void Bind();
  // The bound port (after Bind).
  uint16_t port() const;
  // Serves until Stop() or SIGINT/SIGTERM, then shuts down gracefully: stops
  // accepting, lets in-flight requests finish (bounded by shutdown_grace_s),
  // and returns.
  void Run();
  // Thread-safe; may be called from a signal context via Asio's signal_set.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anxun::http
