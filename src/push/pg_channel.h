// PostgreSQL LISTEN/NOTIFY for the push channel: lets a notification written
// on one server wake the sockets of its user on every other server sharing
// the database. One libpq connection listens on its own thread (reconnecting
// with back-off); another sends.
//
// Thread-safety: Publish may be called from any thread (it serializes on a
// mutex). The callbacks run on the listening thread and must not block long.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

typedef struct pg_conn PGconn;

namespace anxun::push {

class PgChannel {
 public:
  using OnPayload = std::function<void(std::string_view payload)>;
  // Called after the listener (re)connected: notifications may have been
  // missed while it was away.
  using OnReconnect = std::function<void()>;

  PgChannel(std::string url, std::string channel, OnPayload on_payload, OnReconnect on_reconnect);
  ~PgChannel();
  PgChannel(const PgChannel&) = delete;
  PgChannel& operator=(const PgChannel&) = delete;

  // Starts the listening thread. Connection failures are logged and retried.
  void Start();
  // Stops listening and closes both connections; idempotent.
  void Stop();

  // NOTIFY channel, payload (at most 7,999 bytes). Returns false (logged) when
  // the database cannot be reached; the receivers' periodic sweep covers it.
  bool Publish(std::string_view payload);

 private:
  void Listen();
  bool ListenOnce(bool& connected_once);

  const std::string url_;
  const std::string channel_;
  OnPayload on_payload_;
  OnReconnect on_reconnect_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex send_mu_;
  PGconn* sender_ = nullptr;
};

}  // namespace anxun::push
