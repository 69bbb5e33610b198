// Signs the head of the audit chain at intervals (see signing.h for the files).
//
// Before signing, the signer checks that the entries since the last signed
// head extend it (hashes and links, as VerifyChain does): it never puts its
// signature on a chain that was rewritten behind it. It starts from the last
// line of the heads log that its key signed, so a restart does not sign the
// same head twice.
#pragma once

#include "audit/signing.h"
#include "db/db.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace anxun::audit {

class HeadSigner {
 public:
  // Loads or creates the signing key in `data_dir` (SigningKey::LoadOrCreate)
  // and reads the last signed head. Throws std::runtime_error when the key
  // cannot be loaded or created. `db` must outlive the signer.
  HeadSigner(std::filesystem::path data_dir, db::Database& db);
  // Stop()s.
  ~HeadSigner();

  HeadSigner(const HeadSigner&) = delete;
  HeadSigner& operator=(const HeadSigner&) = delete;

  // Reads the current head through a reader and, when it differs from the
  // last signed head, signs it, appends the line to the heads log (fsync'd)
  // and logs it. Returns the head signed, or nullopt when the chain is empty
  // or its head has not changed. Throws std::runtime_error when the chain
  // does not extend the last signed head (it was tampered with: run
  // `anxun audit verify`) or the log cannot be written, db::DbError when the
  // database cannot be read. Thread-safe.
  std::optional<SignedHead> SignNow();

  // Starts a background thread that calls SignNow() every `interval`, logging
  // its failures. Throws std::invalid_argument when `interval` is not
  // positive, std::logic_error when already started.
  void Start(std::chrono::milliseconds interval);
  // Stops the thread and signs once more, so the head at shutdown is covered;
  // call before closing the database. Does nothing when not started; safe to
  // call twice. Failures are logged, not thrown.
  void Stop();

 private:
  void Run(std::chrono::milliseconds interval);
  void AppendLine(const SignedHead& head);

  std::filesystem::path data_dir_;
  db::Database& db_;
  SigningKey key_;

  std::mutex sign_mu_;              // one SignNow at a time
  std::optional<SignedHead> last_;  // the last signed head, guarded by sign_mu_

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool stopping_ = false;  // guarded by run_mu_
  std::thread thread_;
};

}  // namespace anxun::audit
