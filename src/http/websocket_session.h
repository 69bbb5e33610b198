// The server side of one WebSocket connection, over the plain or TLS stream
// the HTTP request came on. Private to server.cpp (the one translation unit
// that compiles Beast); the application sees only http::WebSocket.
//
// Two coroutines share the connection's strand: the reader (the connection's
// own coroutine) hands each text message to the application on the worker
// pool, one at a time; the writer drains the link's queue and sends the close
// frame. The stream lives in the reader's frame, so the reader waits for the
// writer before it returns.
#pragma once

#include "http/websocket.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <mutex>
#include <set>

namespace anxun::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// The limits of WebSocket connections (from ServerOptions).
struct WsSettings {
  size_t max_message_bytes = 4 << 10;
  size_t max_queue_bytes = 1 << 20;
  std::chrono::seconds handshake_timeout{30};
  std::chrono::seconds idle_timeout{40};
};

// The shared state of one connection: the outgoing queue and the close
// request. Thread-safe; the application holds it as an http::WebSocket.
class WsLink final : public WebSocket, public std::enable_shared_from_this<WsLink> {
 public:
  WsLink(asio::any_io_executor strand, std::string ip, size_t max_queue_bytes)
      : wake_(strand), done_(strand), ip_(std::move(ip)), max_queue_bytes_(max_queue_bytes) {
    wake_.expires_at(asio::steady_timer::time_point::max());
    done_.expires_at(asio::steady_timer::time_point::max());
  }

  bool Send(std::string text) override {
    bool accepted = false;
    {
      std::lock_guard lk(mu_);
      if (closing_) return false;
      if (queued_bytes_ + text.size() > max_queue_bytes_) {
        RequestClose(kClosePolicy, "client too slow; reconnect to catch up");
      } else {
        queued_bytes_ += text.size();
        queue_.push_back(std::move(text));
        accepted = true;
      }
    }
    Wake();
    return accepted;
  }

  void Close(uint16_t code, std::string reason) override {
    {
      std::lock_guard lk(mu_);
      if (closing_) return;
      RequestClose(code, std::move(reason));
    }
    Wake();
  }

  const std::string& remote_ip() const override { return ip_; }

  // What the writer does next: send `message`, send the close frame, or wait.
  struct Next {
    std::optional<std::string> message;
    std::optional<websocket::close_reason> close;
  };
  Next Take() {
    std::lock_guard lk(mu_);
    Next next;
    if (!queue_.empty()) {
      queued_bytes_ -= queue_.front().size();
      next.message = std::move(queue_.front());
      queue_.pop_front();
    } else if (closing_) {
      next.close = close_;
    }
    return next;
  }

  // The reader saw the connection end: refuse further messages, stop the writer.
  void MarkEnded() {
    {
      std::lock_guard lk(mu_);
      closing_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    Wake();
  }

  asio::steady_timer wake_;   // cancelled whenever there is work for the writer
  asio::steady_timer done_;   // cancelled when the writer has finished
  bool writer_done_ = false;  // touched on the strand only

 private:
  void RequestClose(uint16_t code, std::string reason) {
    closing_ = true;
    close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
  }
  void Wake() {
    asio::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
  }

  std::mutex mu_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool closing_ = false;
  websocket::close_reason close_;
  const std::string ip_;
  const size_t max_queue_bytes_;
};

// The open links, so that a shutting-down server can close them all; a link
// added after that (its handshake was under way) is closed at once.
class WsRegistry {
 public:
  void Add(const std::shared_ptr<WsLink>& link) {
    std::lock_guard lk(mu_);
    links_.insert(link);
    if (closing_) link->Close(closing_->first, closing_->second);
  }
  void Remove(const std::shared_ptr<WsLink>& link) {
    std::lock_guard lk(mu_);
    links_.erase(link);
  }
  void CloseAll(uint16_t code, const std::string& reason) {
    std::lock_guard lk(mu_);
    closing_.emplace(code, reason);
    for (const auto& link : links_)
      link->Close(code, reason);
  }

 private:
  std::mutex mu_;
  std::set<std::shared_ptr<WsLink>> links_;
  std::optional<std::pair<uint16_t, std::string>> closing_;
};

constexpr auto kWsTuple = asio::as_tuple(asio::use_awaitable);

// Sends what the application queues, then the close frame. Ends on the first
// failed write, cancelling the stream so that the reader ends too.
template <class Ws>
asio::awaitable<void> WriteLoop(Ws& ws, std::shared_ptr<WsLink> link) {
  for (;;) {
    WsLink::Next next = link->Take();
    if (next.message) {
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(asio::buffer(*next.message), kWsTuple);
      if (ec) break;
      continue;
    }
    if (next.close) {
      if (ws.is_open()) co_await ws.async_close(*next.close, kWsTuple);
      break;
    }
    co_await link->wake_.async_wait(kWsTuple);
  }
  if (ws.is_open()) beast::get_lowest_layer(ws).cancel();
}

// Runs `fn` on `workers` and waits for it.
template <class Fn>
asio::awaitable<void> OnWorkers(asio::thread_pool& workers, Fn fn) {
  co_await asio::co_spawn(
      workers,
      [&]() -> asio::awaitable<void> {
        fn();
        co_return;
      },
      asio::use_awaitable);
}

// Completes the handshake on `stream` (which answered `req` with nothing yet)
// and serves the connection until either side closes it.
template <class Stream, class Request>
asio::awaitable<void> ServeWebSocket(Stream& stream, const Request& req, const Upgrade& up,
                                     const std::string& ip, const WsSettings& settings,
                                     asio::thread_pool& workers, WsRegistry& registry) {
  websocket::stream<Stream&> ws(stream);
  beast::get_lowest_layer(stream).expires_never();  // the websocket's own timeouts take over
  ws.set_option(
      websocket::stream_base::timeout{settings.handshake_timeout, settings.idle_timeout, true});
  ws.set_option(
      websocket::stream_base::decorator([protocol = up.protocol](websocket::response_type& res) {
        res.set(beast::http::field::server, "anxun");
        if (!protocol.empty()) res.set(beast::http::field::sec_websocket_protocol, protocol);
      }));
  ws.read_message_max(settings.max_message_bytes);
  auto [aec] = co_await ws.async_accept(req, kWsTuple);
  if (aec) co_return;

  // GCC 12 may destroy temporaries of a full-expression holding co_await
  // twice: keep co_await out of expressions that create shared_ptr copies.
  const asio::any_io_executor strand = co_await asio::this_coro::executor;
  auto link = std::make_shared<WsLink>(strand, ip, settings.max_queue_bytes);
  registry.Add(link);
  WebSocketHandler handler;
  co_await OnWorkers(workers, [&] { handler = up.open(link); });
  auto writer_done = [link](std::exception_ptr) {
    link->writer_done_ = true;
    link->done_.cancel();
  };
  asio::co_spawn(strand, WriteLoop(ws, link), std::move(writer_done));

  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kWsTuple);
    if (ec) break;
    if (ws.got_text() && handler.on_message) {
      const std::string text = beast::buffers_to_string(buffer.data());
      co_await OnWorkers(workers, [&] { handler.on_message(text); });
    }
    buffer.consume(buffer.size());
  }

  link->MarkEnded();
  while (!link->writer_done_)
    co_await link->done_.async_wait(kWsTuple);
  registry.Remove(link);
  if (handler.on_close) co_await OnWorkers(workers, [&] { handler.on_close(); });
}

}  // namespace anxun::http::detail
