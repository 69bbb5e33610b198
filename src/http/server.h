// The HTTP server: Boost.Beast over Asio with C++20 coroutines, HTTP/1.1
// keep-alive, optional TLS. Beast stays inside server.cpp; handlers see only
// http::Request / http::Response.
//
// Connections are served by coroutines on `io_threads`; each request is
// dispatched to a worker pool (handlers may block on the database and on
// Argon2id) and the answer is written back from the I/O thread. A request
// carrying `Upgrade: websocket` goes to the UpgradeDispatcher instead and, when
// accepted, becomes a WebSocket on the same (plain or TLS) stream.
#pragma once

#include "http/request.h"
#include "http/websocket.h"

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
  int64_t ws_max_message_bytes = 4 << 10;  // larger client messages close the socket (1009)
  int64_t ws_max_queue_bytes = 1 << 20;    // a client this far behind is dropped (1008)
  int ws_idle_timeout_s = 40;  // ping after half of it; close when the peer stays silent
  std::string tls_cert;        // PEM files; both set = HTTPS
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
  // Sets who decides on WebSocket upgrades. Without one, upgrade requests are
  // answered like any other request. Call before Run().
  void OnUpgrade(UpgradeDispatcher upgrade);
  // The bound port (after Bind).
  uint16_t port() const;
  // Serves until Stop() or SIGINT/SIGTERM, then shuts down gracefully: stops
  // accepting, sends every WebSocket a close frame (1001), lets in-flight
  // requests and closing sockets finish (bounded by shutdown_grace_s), and
  // returns.
  void Run();
  // Thread-safe; may be called from a signal context via Asio's signal_set.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anxun::http
