// WebSocket connections as the application sees them, free of Beast like
// http::Request. The server (server.cpp) owns the socket and its two loops;
// the application decides on the upgrade, then only queues text messages and
// asks for a close.
//
// Threading: WebSocket's methods are thread-safe and never block. The
// application's callbacks run on the server's worker pool, one at a time per
// connection.
#pragma once

#include "http/request.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::http {

// Close codes we send (RFC 6455 §7.4; 4000–4999 are the application's).
constexpr uint16_t kCloseGoingAway = 1001;     // the server is shutting down
constexpr uint16_t kClosePolicy = 1008;        // slow consumer, bad message
constexpr uint16_t kCloseSessionEnded = 4401;  // logout, expiry, account lock

// One open WebSocket connection.
class WebSocket {
 public:
  virtual ~WebSocket() = default;

  // Queues one text message. Returns false when the connection is closing or
  // its queue is over the server's limit; in the latter case the connection
  // is closed (kClosePolicy) and the client is expected to reconnect and
  // catch up.
  virtual bool Send(std::string text) = 0;
  // Sends a close frame after what is already queued, then ends the
  // connection. Idempotent; the first code wins.
  virtual void Close(uint16_t code, std::string reason) = 0;
  // "ip" of the peer, for logs.
  virtual const std::string& remote_ip() const = 0;
};

// What the application does with an open connection.
struct WebSocketHandler {
  std::function<void(std::string_view text)> on_message;  // one text message
  std::function<void()> on_close;                         // once, at the end
};

// The application's answer to an upgrade request: either a normal HTTP
// response (a refusal, or the route's answer when it is no WebSocket route),
// or an acceptance with the subprotocol to name and what to run once open.
struct Upgrade {
  Response response;     // used when `open` is empty
  std::string protocol;  // Sec-WebSocket-Protocol to answer with; "" = none
  std::function<WebSocketHandler(std::shared_ptr<WebSocket>)> open;
};

// Decides on a request carrying `Upgrade: websocket`. Runs on a worker
// thread; must not throw.
using UpgradeDispatcher = std::function<Upgrade(Request&)>;

}  // namespace anxun::http
