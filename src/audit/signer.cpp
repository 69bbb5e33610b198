#include "audit/signer.h"

#include "audit/verify.h"
#include "common/clock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace anxun::audit {
namespace {

namespace fs = std::filesystem;

// The last line of the heads log that `public_key` signed; nullopt when there is none.
std::optional<SignedHead> LastSignedHead(const fs::path& log, std::string_view public_key) {
  std::ifstream in(log);
  std::optional<SignedHead> last;
  for (std::string line; std::getline(in, line);) {
    auto head = ParseHeadLine(line);
    if (head && VerifyHeadSignature(*head, public_key)) last = std::move(head);
  }
  return last;
}

}  // namespace

HeadSigner::HeadSigner(fs::path data_dir, db::Database& db)
    : data_dir_(std::move(data_dir)), db_(db), key_(SigningKey::LoadOrCreate(data_dir_)) {
  last_ = LastSignedHead(data_dir_ / kHeadsLogName, key_.public_key());
}

HeadSigner::~HeadSigner() {
  Stop();
}

std::optional<SignedHead> HeadSigner::SignNow() {
  std::lock_guard lk(sign_mu_);
  const int64_t from_seq = last_ ? last_->seq : 0;
  const std::string from_hash = last_ ? last_->hash : std::string(kGenesisHash);

  const ChainWalk walk = db_.Read([&](db::Conn& c) { return WalkChain(c, from_seq, from_hash); });
  if (walk.bad_seq) {
    throw std::runtime_error(fmt::format(
        "audit: not signing: the chain does not extend the signed head {} ({}); run `anxun "
        "audit verify`",
        from_seq, walk.problem));
  }
  if (walk.entries_checked == 0) {
    // Nothing after the last signed head; a shorter chain shows up as a
    // missing entry only to VerifyChain, which knows every signed head.
    const bool shrunk = last_ && db_.Read([&](db::Conn& c) {
      return c.QueryInt("SELECT COUNT(*) FROM audit_log WHERE seq = ? AND hash = ?",
                        {last_->seq, last_->hash})
                 .value_or(0) == 0;
    });
    if (shrunk) {
      throw std::runtime_error(fmt::format(
          "audit: not signing: signed head {} is no longer in the chain; run `anxun audit verify`",
          last_->seq));
    }
    return std::nullopt;
  }

  SignedHead head = key_.Sign({walk.last_seq, walk.last_hash, FormatRfc3339(NowMs()), {}});
  AppendLine(head);
  spdlog::info("audit: signed head seq={} hash={} at={} signature={}", head.seq, head.hash, head.at,
               head.signature);
  last_ = head;
  return head;
}

void HeadSigner::AppendLine(const SignedHead& head) {
  const fs::path log = data_dir_ / kHeadsLogName;
  const int fd = ::open(log.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error(
        fmt::format("audit: {}: cannot open ({})", log.string(), std::strerror(errno)));
  }

  // A line cut short (disk full, crash) must not swallow the next one.
  const off_t size = ::lseek(fd, 0, SEEK_END);
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, size - 1) != 1) last = '\n';
  const std::string line = (last == '\n' ? "" : "\n") + FormatHeadLine(head) + "\n";

  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok) {
    throw std::runtime_error(
        fmt::format("audit: {}: cannot append ({})", log.string(), std::strerror(saved_errno)));
  }
}

void HeadSigner::Start(std::chrono::milliseconds interval) {
  if (interval <= std::chrono::milliseconds::zero()) {
    throw std::invalid_argument("audit: the head signing interval must be positive");
  }
  std::lock_guard lk(run_mu_);
  if (thread_.joinable()) throw std::logic_error("audit: head signer already started");
  stopping_ = false;
  thread_ = std::thread([this, interval] { Run(interval); });
}

void HeadSigner::Stop() {
  {
    std::lock_guard lk(run_mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  run_cv_.notify_all();
  thread_.join();

  try {
    SignNow();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
  }
}

void HeadSigner::Run(std::chrono::milliseconds interval) {
  std::unique_lock lk(run_mu_);
  while (!run_cv_.wait_for(lk, interval, [&] { return stopping_; })) {
    lk.unlock();
    try {
      SignNow();
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
    }
    lk.lock();
  }
}

}  // namespace anxun::audit
