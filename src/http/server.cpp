#include "http/server.h"

#include "http/websocket_session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <thread>

namespace anxun::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::string ErrorBody(std::string_view code, std::string_view message) {
  return fmt::format(R"({{"error":{{"code":"{}","message":"{}","details":{{}}}}}})", code, message);
}

Request ToRequest(BeastRequest& in, std::string remote_ip) {
  Request req;
  req.method = std::string(in.method_string());
  req.target = std::string(in.target());
  const size_t q = req.target.find('?');
  const std::string_view raw_path = std::string_view(req.target).substr(0, q);
  req.path = PercentDecode(raw_path).value_or("");
  if (q != std::string::npos) req.query = ParseQuery(std::string_view(req.target).substr(q + 1));
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (auto& ch : name)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.body = std::move(in.body());
  req.remote_ip = std::move(remote_ip);
  return req;
}

BeastResponse ToBeast(Response& res, bool keep_alive, unsigned version, bool head) {
  BeastResponse out;
  out.version(version);
  out.result(static_cast<unsigned>(res.status));
  if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers)
    out.insert(k, v);
  out.keep_alive(keep_alive);
  out.body() = std::move(res.body);
  out.prepare_payload();
  if (head) out.body().clear();
  return out;
}

BeastResponse PlainError(unsigned status, std::string_view code, std::string_view message) {
  BeastResponse out{static_cast<bhttp::status>(status), 11};
  out.set(bhttp::field::content_type, "application/json; charset=utf-8");
  out.keep_alive(false);
  out.body() = ErrorBody(code, message);
  out.prepare_payload();
  return out;
}

template <class Stream>
auto& Lowest(Stream& s) {
  return beast::get_lowest_layer(s);
}

}  // namespace

class Server::Impl {
 public:
  void OnUpgrade(UpgradeDispatcher upgrade) { upgrade_ = std::move(upgrade); }

  Impl(ServerOptions o, Dispatcher d, IsUpload u)
      : opts_(std::move(o)),
        dispatch_(std::move(d)),
        is_upload_(std::move(u)),
        io_(opts_.io_threads),
        workers_(static_cast<size_t>(opts_.worker_threads)),
        acceptor_(io_),
        signals_(io_, SIGINT, SIGTERM),
        drain_timer_(io_) {}

  void Bind() {
    const size_t colon = opts_.listen.rfind(':');
    if (colon == std::string::npos) {
      throw std::runtime_error(fmt::format("listen address '{}' must be host:port", opts_.listen));
    }
    std::string host = opts_.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    int port = 0;
    try {
      port = std::stoi(opts_.listen.substr(colon + 1));
    } catch (...) {
      port = -1;
    }
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec || port < 0 || port > 65535) {
      throw std::runtime_error(fmt::format("listen address '{}' is not valid", opts_.listen));
    }
    const tcp::endpoint ep(addr, static_cast<uint16_t>(port));
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot listen on {}: {}", opts_.listen,
                      ec == asio::error::address_in_use ? "port already in use" : ec.message()));
    }
    acceptor_.listen(asio::socket_base::max_listen_connections);
    if (!opts_.tls_cert.empty() || !opts_.tls_key.empty()) LoadTls();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Run() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (!ec) {
        spdlog::info("server: signal {} received, shutting down", sig);
        Stop();
      }
    });
    asio::co_spawn(io_, Accept(), asio::detached);
    std::vector<std::thread> threads;
    for (int i = 1; i < opts_.io_threads; ++i)
      threads.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& t : threads)
      t.join();
    workers_.join();
  }

  void Stop() {
    asio::post(io_, [this] {
      if (stopping_.exchange(true)) return;
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      signals_.cancel(ignored);
      websockets_.CloseAll(kCloseGoingAway, "server shutting down");
      drain_deadline_ =
          std::chrono::steady_clock::now() + std::chrono::seconds(opts_.shutdown_grace_s);
      Drain();
    });
  }

 private:
  void LoadTls() {
    if (opts_.tls_cert.empty() || opts_.tls_key.empty()) {
      throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
    }
    ssl_.emplace(asio::ssl::context::tls_server);
    ssl_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    ssl_->use_certificate_chain_file(opts_.tls_cert, ec);
    if (ec)
      throw std::runtime_error(fmt::format("TLS certificate {}: {}", opts_.tls_cert, ec.message()));
    ssl_->use_private_key_file(opts_.tls_key, asio::ssl::context::pem, ec);
    if (ec) throw std::runtime_error(fmt::format("TLS key {}: {}", opts_.tls_key, ec.message()));
  }

  // Waits for in-flight requests and closing WebSockets (which count as in
  // flight) to finish (bounded), then stops the loop. Idle keep-alive
  // connections are simply dropped: they hold no request.
  void Drain() {
    if (in_flight_.load() == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
      if (in_flight_.load() != 0) {
        spdlog::warn("server: {} requests still running after the grace period", in_flight_.load());
      }
      io_.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(20));
    drain_timer_.async_wait([this](const boost::system::error_code&) { Drain(); });
  }

  asio::awaitable<void> Accept() {
    while (!stopping_) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kUseTuple);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      if (connections_.load() >= opts_.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);  // over the limit: refuse at once rather than queue
        continue;
      }
      ++connections_;
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Connection(std::move(socket)),
                     [this](std::exception_ptr) { --connections_; });
    }
  }

  asio::awaitable<void> Connection(tcp::socket socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    const std::string ip = ec ? std::string() : remote.address().to_string();
    try {
      if (ssl_) {
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *ssl_);
        Lowest(stream).expires_after(std::chrono::seconds(opts_.read_timeout_s));
        auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kUseTuple);
        if (hec) co_return;
        co_await Serve(stream, ip);
        Lowest(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(kUseTuple);
      } else {
        beast::tcp_stream stream(std::move(socket));
        co_await Serve(stream, ip);
        co_await Linger(stream);
      }
    } catch (const std::exception& e) {
      spdlog::debug("server: connection from {} ended ({})", ip, e.what());
    }
  }

  template <class Stream>
  asio::awaitable<void> Serve(Stream& stream, const std::string& ip) {
    beast::flat_buffer buffer;
    while (!stopping_) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(opts_.max_header_bytes));
      // Beast checks Content-Length against the body limit as soon as the
      // header is complete; allow the larger limit until the route is known.
      parser.body_limit(
          static_cast<uint64_t>(std::max(opts_.max_upload_bytes, opts_.max_body_bytes)));
      Lowest(stream).expires_after(std::chrono::seconds(opts_.idle_timeout_s));
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kUseTuple);
      if (ec) {
        if (ec == bhttp::error::body_limit) {
          co_await WritePlain(stream, 413, "payload_too_large",
                              "请求体过大 / request body too large");
        } else if (ec == bhttp::error::header_limit) {
          co_await WritePlain(stream, 431, "headers_too_large",
                              "请求头过大 / request headers too large");
        } else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                   ec != asio::error::eof && ec != asio::error::connection_reset &&
                   ec != asio::error::operation_aborted) {
          co_await WritePlain(stream, 400, "bad_request", "无法解析的请求 / malformed request");
        }
        co_return;
      }

      InFlight guard(in_flight_);
      const auto& head = parser.get();
      const std::string target(head.target());
      const std::string path = target.substr(0, target.find('?'));
      const int64_t limit =
          is_upload_(head.method_string(), path) ? opts_.max_upload_bytes : opts_.max_body_bytes;
      if (parser.content_length() && *parser.content_length() > static_cast<uint64_t>(limit)) {
        co_await WritePlain(stream, 413, "payload_too_large",
                            "请求体过大 / request body too large");
        co_return;
      }
      parser.body_limit(static_cast<uint64_t>(limit));
      Lowest(stream).expires_after(std::chrono::seconds(opts_.read_timeout_s));
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
      if (bec) {
        if (bec == bhttp::error::body_limit) {
          co_await WritePlain(stream, 413, "payload_too_large",
                              "请求体过大 / request body too large");
        } else if (bec != beast::error::timeout && bec != asio::error::eof) {
          co_await WritePlain(stream, 400, "bad_request", "无法解析的请求 / malformed request");
        }
        co_return;
      }

      BeastRequest& in = parser.get();
      if (upgrade_ && beast::websocket::is_upgrade(in)) {
        co_await ServeUpgrade(stream, in, ip);
        co_return;
      }
      const bool keep_alive = in.keep_alive() && !stopping_;
      const unsigned version = in.version();
      const bool is_head = in.method() == bhttp::verb::head;
      Request req = ToRequest(in, ip);
      Response res = co_await asio::co_spawn(
          workers_, [&]() -> asio::awaitable<Response> { co_return dispatch_(req); },
          asio::use_awaitable);
      BeastResponse out = ToBeast(res, keep_alive, version, is_head);
      Lowest(stream).expires_after(std::chrono::seconds(opts_.read_timeout_s));
      auto [wec, wn] = co_await bhttp::async_write(stream, out, kUseTuple);
      if (wec || !keep_alive) co_return;
    }
  }

  // Asks the application about an upgrade request; answers its refusal, or
  // turns the connection into a WebSocket until either side closes it.
  template <class Stream>
  asio::awaitable<void> ServeUpgrade(Stream& stream, BeastRequest& in, const std::string& ip) {
    Request req = ToRequest(in, ip);
    Upgrade up = co_await asio::co_spawn(
        workers_, [&]() -> asio::awaitable<Upgrade> { co_return upgrade_(req); },
        asio::use_awaitable);
    if (!up.open || stopping_) {
      if (up.open)
        up.response = {503,
                       "application/json; charset=utf-8",
                       ErrorBody("shutting_down", "server shutting down"),
                       {}};
      BeastResponse out = ToBeast(up.response, false, in.version(), false);
      Lowest(stream).expires_after(std::chrono::seconds(opts_.read_timeout_s));
      co_await bhttp::async_write(stream, out, kUseTuple);
      co_return;
    }
    detail::WsSettings settings;
    settings.max_message_bytes = static_cast<size_t>(opts_.ws_max_message_bytes);
    settings.max_queue_bytes = static_cast<size_t>(opts_.ws_max_queue_bytes);
    settings.handshake_timeout = std::chrono::seconds(opts_.read_timeout_s);
    settings.idle_timeout = std::chrono::seconds(opts_.ws_idle_timeout_s);
    co_await detail::ServeWebSocket(stream, in, up, ip, settings, workers_, websockets_);
  }

  // Closes our side, then reads and drops what the client still sends for a
  // moment: closing with unread data makes the kernel send a reset, which can
  // destroy an error response (413, 431) before the client has read it.
  asio::awaitable<void> Linger(beast::tcp_stream& stream) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    char sink[4096];
    stream.expires_after(std::chrono::seconds(2));
    for (int i = 0; i < 256; ++i) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
      if (rec) break;
    }
  }

  template <class Stream>
  asio::awaitable<void> WritePlain(Stream& stream, unsigned status, std::string_view code,
                                   std::string_view message) {
    BeastResponse out = PlainError(status, code, message);
    Lowest(stream).expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(stream, out, kUseTuple);
  }

  // Counts a request as in flight for the length of a scope.
  struct InFlight {
    std::atomic<int>& n;
    explicit InFlight(std::atomic<int>& c) : n(c) { ++n; }
    ~InFlight() { --n; }
  };

  ServerOptions opts_;
  Dispatcher dispatch_;
  IsUpload is_upload_;
  UpgradeDispatcher upgrade_;
  asio::io_context io_;
  asio::thread_pool workers_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  detail::WsRegistry websockets_;  // after io_: its links hold timers of io_
  std::optional<asio::ssl::context> ssl_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> in_flight_{0};
  std::chrono::steady_clock::time_point drain_deadline_;
};

Server::Server(ServerOptions options, Dispatcher dispatch, IsUpload is_upload)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(dispatch), std::move(is_upload))) {
}

Server::~Server() = default;

void Server::Bind() {
  impl_->Bind();
}

void Server::OnUpgrade(UpgradeDispatcher upgrade) {
  impl_->OnUpgrade(std::move(upgrade));
}

uint16_t Server::port() const {
  return impl_->port();
}

void Server::Run() {
  impl_->Run();
}

void Server::Stop() {
  impl_->Stop();
}

}  // namespace anxun::http
