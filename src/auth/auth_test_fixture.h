// A fresh SQLite database per test with the built-in roles and a small org
// tree, plus verbs for the auth module's tests: add users, log in, advance the
// clock, read the audit trail.
//
//   group (/1/) ── plant A (/1/2/) ── workshop A1 (/1/2/3/)
//              └── plant B (/1/4/)
#pragma once

#include "auth/login.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/users.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/error.h"
#include "db/db.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cctype>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace anxun::auth {

// Runs `fn` and returns the ApiError it throws; fails the test when it throws none.
template <class F>
ApiError ExpectApiError(F&& fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an ApiError";
  return ApiError(0, "none", "none");
}

class AuthTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStart = 1764756000000;  // 2025-12-03T10:00:00Z
  static constexpr const char* kPassword = "Correct-Horse-42";

  void SetUp() override {
    InitCrypto();
    UseCheapPasswordHashingForTesting(true);
    SetNowForTesting(kStart);
    InvalidateSessionCache();
    ForgetTotpStepsForTesting();
    dir_ = std::filesystem::temp_directory_path() / ("anxun-auth-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    owned_db_ = db::Database::Open(DatabaseUrl(), 2);
    db_ = owned_db_.get();
    db_->Migrate();
    db_->Write([](db::Conn& c) { SeedBuiltinRoles(c); });
    group_ = AddUnit(0, "group", "G");
    plant_a_ = AddUnit(group_, "plant", "PA");
    workshop_a1_ = AddUnit(plant_a_, "workshop", "WA1");
    plant_b_ = AddUnit(group_, "plant", "PB");
  }

  void TearDown() override {
    db_->Close();
    InvalidateSessionCache();
    SetNowForTesting(0);
    UseCheapPasswordHashingForTesting(false);
    std::filesystem::remove_all(dir_);
  }

  // SQLite in the test's folder; or, when ANXUN_TEST_PG_URL names a PostgreSQL
  // server (scripts/pg.sh start), a new database of its own on that server
  // (ctest runs tests in parallel processes).
  std::string DatabaseUrl() {
    const char* pg = std::getenv("ANXUN_TEST_PG_URL");
    if (!pg || !*pg) return "sqlite:" + (dir_ / "t.db").string();
    std::string name = "t_auth_";
    for (char ch : RandomToken(9)) {
      name.push_back(std::isalnum(static_cast<unsigned char>(ch))
                         ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
                         : '_');
    }
    db::Connect(std::string(pg) + "/postgres")->ExecScript("CREATE DATABASE " + name);
    return std::string(pg) + "/" + name;
  }

  // Adds an org unit under `parent` (0 = root) with its maintained path.
  int64_t AddUnit(int64_t parent, const std::string& kind, const std::string& code) {
    return db_->Write([&](db::Conn& c) {
      const int64_t id = c.Insert(
          "INSERT INTO org_units (parent_id, kind, code, name, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
          {parent ? db::Value(parent) : db::Null(), kind, code, "unit " + code, NowMs(), NowMs()});
      const std::string parent_path =
          parent ? c.QueryOne("SELECT path FROM org_units WHERE id = ?", {parent})->Str(0) : "/";
      c.Exec("UPDATE org_units SET path = ? WHERE id = ?",
             {parent_path + std::to_string(id) + "/", id});
      return id;
    });
  }

  int64_t RoleId(const std::string& code) {
    return db_->Read([&](db::Conn& c) {
      return c.QueryInt("SELECT id FROM roles WHERE code = ?", {code}).value_or(0);
    });
  }

  // Adds an account whose password is kPassword.
  int64_t AddUser(const std::string& username, int64_t unit,
                  const std::vector<std::string>& roles = {}, bool must_change = false,
                  bool exempt = false) {
    const std::string hash = HashPassword(kPassword);
    NewUser u;
    u.username = username;
    u.display_name = "User " + username;
    u.org_unit_id = unit;
    for (const auto& r : roles)
      u.role_ids.push_back(RoleId(r));
    u.must_change_password = must_change;
    u.password_exempt = exempt;
    return db_->Write([&](db::Conn& c) { return InsertUser(c, Admin(), u, hash); });
  }

  LoginResult LoginAs(const std::string& username, const std::string& password = kPassword,
                      std::optional<std::string> totp = std::nullopt) {
    return Login(*db_, cfg_, {username, password, totp, "10.0.0.9", "test", "req-1"});
  }

  std::optional<Principal> Authenticate(const std::string& token) {
    return AuthenticateSession(*db_, cfg_, token);
  }

  static audit::Actor Admin() { return {std::nullopt, "system", "", ""}; }

  std::vector<std::string> AuditActions() {
    return db_->Read([](db::Conn& c) {
      std::vector<std::string> out;
      for (const auto& row : c.Query("SELECT action FROM audit_log ORDER BY seq")) {
        out.push_back(row.Str(0));
      }
      return out;
    });
  }

  int CountAudit(const std::string& action) {
    int n = 0;
    for (const auto& a : AuditActions())
      n += a == action;
    return n;
  }

  // Every before/after text of the audit trail, concatenated.
  std::string AuditText() {
    return db_->Read([](db::Conn& c) {
      std::string out;
      for (const auto& row :
           c.Query("SELECT COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log")) {
        out += row.Str(0) + row.Str(1) + "\n";
      }
      return out;
    });
  }

  Config cfg_;
  std::filesystem::path dir_;
  std::unique_ptr<db::Database> owned_db_;  // moved out by tests that build an api::App
  db::Database* db_ = nullptr;
  int64_t group_ = 0, plant_a_ = 0, workshop_a1_ = 0, plant_b_ = 0;
};

}  // namespace anxun::auth
