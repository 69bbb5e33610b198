// A fresh SQLite database and data folder per test, with verbs for building
// an org tree, areas, points and users. For the org module's tests.
#pragma once

#include "auth/principal.h"
#include "common/crypto.h"
#include "db/db.h"
#include "org/areas.h"
#include "org/org_units.h"
#include "org/points.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace anxun::org {

class OrgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("anxun-org-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    db_ = db::Database::Open("sqlite:" + (dir_ / "t.db").string(), 2);
    db_->Migrate();
  }

  void TearDown() override {
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  static auth::AccessScope All() {
    auth::AccessScope s;
    s.all = true;
    return s;
  }

  static auth::AccessScope Units(std::initializer_list<int64_t> ids) {
    auth::AccessScope s;
    s.unit_ids = ids;
    return s;
  }

  OrgUnit AddUnit(std::optional<int64_t> parent, std::string kind, std::string code) {
    OrgUnitInput in;
    in.parent_id = parent;
    in.kind = std::move(kind);
    in.code = code;
    in.name = "单位 " + code;
    return db_->Write([&](db::Conn& c) { return CreateOrgUnit(c, All(), in); });
  }

  OrgUnit Patch(int64_t id, const OrgUnitPatch& p, const auth::AccessScope& scope = All()) {
    return db_->Write([&](db::Conn& c) { return UpdateOrgUnit(c, scope, id, p); });
  }

  OrgUnit Move(int64_t id, std::optional<int64_t> parent) {
    OrgUnitPatch p;
    p.parent_id = parent;
    return Patch(id, p);
  }

  OrgUnit Reload(int64_t id) {
    return db_->Read([&](db::Conn& c) { return *FindOrgUnit(c, id); });
  }

  int64_t AddUser(int64_t unit_id, const std::string& username, bool active = true) {
    return db_->Write([&](db::Conn& c) {
      return c.Insert(
          "INSERT INTO users (username, display_name, org_unit_id, active, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, 0, 0) RETURNING id",
          {username, "用户 " + username, unit_id, int64_t{active}});
    });
  }

  Area AddArea(int64_t unit_id, const std::string& code, const std::string& name = "储罐区") {
    AreaInput in;
    in.org_unit_id = unit_id;
    in.code = code;
    in.name = name;
    in.x = 0.5;
    in.y = 0.5;
    in.risk_level = "red";
    return db_->Write([&](db::Conn& c) { return CreateArea(c, All(), in); });
  }

  PointInput NewPoint(int64_t unit_id, const std::string& code,
                      std::optional<int64_t> area_id = std::nullopt) {
    PointInput in;
    in.org_unit_id = unit_id;
    in.area_id = area_id;
    in.code = code;
    in.name = "巡检点 " + code;
    in.kind = "equipment";
    return in;
  }

  Point AddPoint(const PointInput& in) {
    return db_->Write([&](db::Conn& c) { return CreatePoint(c, All(), in); });
  }

  Point AddPoint(int64_t unit_id, const std::string& code,
                 std::optional<int64_t> area_id = std::nullopt) {
    return AddPoint(NewPoint(unit_id, code, area_id));
  }

  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

// The ApiError `fn` throws (status 0 and an empty code when it throws none).
template <class F>
std::pair<int, std::string> ErrorOf(F&& fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return {e.status(), e.code()};
  }
  return {0, ""};
}

}  // namespace anxun::org
