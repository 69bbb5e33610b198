// A fresh SQLite database and data folder per test, with verbs for writing,
// signing and tampering with the audit trail. For the audit module's tests.
#pragma once

#include "audit/audit.h"
#include "audit/chain.h"
#include "audit/signer.h"
#include "audit/verify.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "db/db.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace anxun::audit {

class AuditTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStart = 1764756000000;  // 2025-12-03T10:00:00Z

  void SetUp() override {
    InitCrypto();
    SetNowForTesting(kStart);
    dir_ = std::filesystem::temp_directory_path() / ("anxun-audit-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    db_ = db::Database::Open("sqlite:" + (dir_ / "t.db").string(), 2);
    db_->Migrate();
  }

  void TearDown() override {
    db_->Close();
    SetNowForTesting(0);
    std::filesystem::remove_all(dir_);
  }

  // Appends one entry as user 7 "zhangsan", one second after the previous one.
  int64_t Record(const std::string& action = "point.update", const std::string& object_id = "12",
                 const Actor& actor = {7, "zhangsan", "10.0.0.5", "req-1"}) {
    AdvanceNowForTesting(1000);
    return db_->Write([&](db::Conn& c) {
      return Append(c, actor, {action, "point", object_id, {{"name", "old"}}, {{"name", "new"}}});
    });
  }

  void RecordMany(int n) {
    for (int i = 0; i < n; ++i)
      Record("point.update", std::to_string(i));
  }

  // Appends `n` entries in one transaction (one commit instead of n).
  void RecordInOneWrite(int n) {
    db_->Write([&](db::Conn& c) {
      for (int i = 0; i < n; ++i) {
        AdvanceNowForTesting(1000);
        Append(c, {7, "zhangsan", "10.0.0.5", "req-bulk"}, {"point.view", "point", "1", {}, {}});
      }
    });
  }

  StoredEntry EntryAt(int64_t seq) {
    return db_->Read([&](db::Conn& c) {
      auto row = c.QueryOne(
          std::string("SELECT ") + std::string(kEntryColumns) + " FROM audit_log WHERE seq = ?",
          {seq});
      EXPECT_TRUE(row) << "no entry " << seq;
      return row ? ReadEntry(*row) : StoredEntry{};
    });
  }

  VerifyResult Verify() {
    return db_->Read([&](db::Conn& c) { return VerifyChain(c, dir_); });
  }

  std::optional<SignedHead> SignHead() { return HeadSigner(dir_, *db_).SignNow(); }

  // Runs `sql` on the writer with the append-only triggers out of the way,
  // as someone with write access to the database file could.
  void Tamper(const std::string& sql, const db::Params& params = {}) {
    db_->Write([&](db::Conn& c) {
      c.ExecScript(
          "DROP TRIGGER IF EXISTS audit_log_no_update;"
          "DROP TRIGGER IF EXISTS audit_log_no_delete;");
      c.Exec(sql, params);
    });
  }

  // Alters entry `seq` and re-computes its hash and every later one, so that
  // the chain is consistent again: only a signed head can tell.
  void Rechain(int64_t seq, const std::string& new_action) {
    Tamper("UPDATE audit_log SET action = ? WHERE seq = ?", {new_action, seq});
    std::string prev = seq == 1 ? std::string(kGenesisHash) : EntryAt(seq - 1).hash;
    for (int64_t s = seq;; ++s) {
      const auto count = db_->Read([&](db::Conn& c) {
        return c.QueryInt("SELECT COUNT(*) FROM audit_log WHERE seq = ?", {s});
      });
      if (count.value_or(0) == 0) break;
      StoredEntry e = EntryAt(s);
      e.prev_hash = prev;
      e.hash = ComputeHash(e);
      Tamper("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
             {e.prev_hash, e.hash, s});
      prev = e.hash;
    }
  }

  void AppendToHeadsLog(const std::string& line) {
    std::ofstream(dir_ / kHeadsLogName, std::ios::app) << line << "\n";
  }

  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace anxun::audit
