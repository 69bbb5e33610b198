#include "push/pg_channel.h"

#include "common/log.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace anxun::push {
namespace {

constexpr int kPollMs = 250;
constexpr int kFirstBackoffMs = 200;
constexpr int kMaxBackoffMs = 5000;

PGconn* Connect(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) == CONNECTION_OK) return c;
  spdlog::warn("push: cannot reach PostgreSQL for LISTEN/NOTIFY ({})", PQerrorMessage(c));
  PQfinish(c);
  return nullptr;
}

bool Ok(PGresult* r, ExecStatusType want) {
  const bool ok = r && PQresultStatus(r) == want;
  PQclear(r);
  return ok;
}

}  // namespace

PgChannel::PgChannel(std::string url, std::string channel, OnPayload on_payload,
                     OnReconnect on_reconnect)
    : url_(std::move(url)),
      channel_(std::move(channel)),
      on_payload_(std::move(on_payload)),
      on_reconnect_(std::move(on_reconnect)) {}

PgChannel::~PgChannel() {
  Stop();
}

void PgChannel::Start() {
  thread_ = std::thread([this] { Listen(); });
}

void PgChannel::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lk(send_mu_);
  if (sender_) PQfinish(sender_);
  sender_ = nullptr;
}

void PgChannel::Listen() {
  int backoff_ms = kFirstBackoffMs;
  bool connected_once = false;
  while (!stopping_) {
    if (ListenOnce(connected_once)) backoff_ms = kFirstBackoffMs;
    for (int waited = 0; waited < backoff_ms && !stopping_; waited += kPollMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
    backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
  }
}

// Listens until the connection fails or Stop(); false when it never got going.
bool PgChannel::ListenOnce(bool& connected_once) {
  PGconn* c = Connect(url_);
  if (!c) return false;
  if (!Ok(PQexec(c, ("LISTEN " + channel_).c_str()), PGRES_COMMAND_OK)) {
    spdlog::warn("push: LISTEN {} failed ({})", channel_, PQerrorMessage(c));
    PQfinish(c);
    return false;
  }
  if (connected_once) {
    spdlog::info("push: LISTEN {} re-established", channel_);
    on_reconnect_();
  }
  connected_once = true;

  const int fd = PQsocket(c);
  while (!stopping_) {
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, kPollMs);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (!PQconsumeInput(c)) {
      spdlog::warn("push: LISTEN connection lost ({})", PQerrorMessage(c));
      break;
    }
    while (PGnotify* note = PQnotifies(c)) {
      on_payload_(note->extra ? note->extra : "");
      PQfreemem(note);
    }
  }
  PQfinish(c);
  return true;
}

bool PgChannel::Publish(std::string_view payload) {
  std::lock_guard lk(send_mu_);
  const std::string text(payload);
  const char* params[2] = {channel_.c_str(), text.c_str()};
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!sender_) sender_ = Connect(url_);
    if (!sender_) return false;
    PGresult* r =
        PQexecParams(sender_, "SELECT pg_notify($1, $2)", 2, nullptr, params, nullptr, nullptr, 0);
    if (Ok(r, PGRES_TUPLES_OK)) return true;
    spdlog::warn("push: NOTIFY failed ({})", PQerrorMessage(sender_));
    PQfinish(sender_);
    sender_ = nullptr;
  }
  return false;
}

}  // namespace anxun::push
