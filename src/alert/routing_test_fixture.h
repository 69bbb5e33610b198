// A plant's org tree with people in it, for the routing, escalation,
// supervision and producer tests (SQLite, explicit times):
//
//   G (group)        manager: manager
//   └ P (park)       nobody
//     ├ F (plant)    safety: safety_officer
//     │ └ W (workshop) head: dept_head
//     │   └ T (team)   worker: inspector
//     └ F2 (plant)   other: safety_officer (another plant: never told about F)
#pragma once

#include "alert/routing.h"
#include "alert/store.h"
#include "auth/roles.h"
#include "common/clock.h"
#include "org/org_test_fixture.h"

#include <gtest/gtest.h>

namespace anxun::alert {

constexpr int64_t kT0 = 1'780'000'000'000;
constexpr int64_t kSec = 1000;

class RoutingTest : public org::OrgTest {
 protected:
  void SetUp() override {
    org::OrgTest::SetUp();
    SetNowForTesting(kT0);
    db_->Write([](db::Conn& c) { auth::SeedBuiltinRoles(c); });
    group_ = AddUnit(std::nullopt, "group", "G").id;
    park_ = AddUnit(group_, "park", "P").id;
    plant_ = AddUnit(park_, "plant", "F").id;
    workshop_ = AddUnit(plant_, "workshop", "W").id;
    team_ = AddUnit(workshop_, "team", "T").id;
    other_plant_ = AddUnit(park_, "plant", "F2").id;
    manager_ = AddPerson(group_, "manager", "manager");
    safety_ = AddPerson(plant_, "safety", "safety_officer");
    head_ = AddPerson(workshop_, "head", "dept_head");
    worker_ = AddPerson(team_, "worker", "inspector");
    other_ = AddPerson(other_plant_, "other", "safety_officer");
  }

  void TearDown() override {
    SetNowForTesting(0);
    org::OrgTest::TearDown();
  }

  int64_t AddPerson(int64_t unit, const std::string& name, const std::string& role) {
    const int64_t id = AddUser(unit, name);
    db_->Write([&](db::Conn& c) {
      c.Exec("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE code = ?",
             {id, role});
    });
    return id;
  }

  // Raises a new alert of `level` at `unit`.
  int64_t Raise(const std::string& level, int64_t unit, int64_t now,
                std::optional<int64_t> point = std::nullopt) {
    Incoming in;
    in.event.source = "manual";
    in.event.rule = "test.alarm";  // no rule row: every label counts, so each is new
    in.event.level = level;
    in.event.org_unit_id = unit;
    in.event.point_id = point;
    in.event.occurred_at = now;
    in.event.labels = {{"n", std::to_string(++raised_)}};
    return *db_->Write([&](db::Conn& c) { return Ingest(c, {in}, std::nullopt, now); })
                .at(0)
                .alert_id;
  }

  void Acknowledge(int64_t alert_id) {
    db_->Write([&](db::Conn& c) {
      c.Exec("UPDATE alerts SET status = 'acknowledged' WHERE id = ?", {alert_id});
    });
  }

  // Users with a notification of `kind` about the alert, by id.
  std::vector<int64_t> Told(int64_t alert_id, const std::string& kind = "alert") {
    return Column(
        "SELECT user_id FROM notifications WHERE alert_id = ? AND kind = ? ORDER BY user_id",
        {alert_id, kind});
  }

  std::vector<int64_t> Column(const std::string& sql, db::Params p) {
    return db_->Read([&](db::Conn& c) {
      std::vector<int64_t> out;
      for (const auto& r : c.Query(sql, p))
        out.push_back(r.Int(0));
      return out;
    });
  }

  int64_t Count(const std::string& sql, db::Params p = {}) {
    return db_->Read([&](db::Conn& c) { return c.QueryInt(sql, p).value_or(0); });
  }

  void Exec(const std::string& sql, db::Params p = {}) {
    db_->Write([&](db::Conn& c) { c.Exec(sql, p); });
  }

  int64_t group_ = 0, park_ = 0, plant_ = 0, workshop_ = 0, team_ = 0, other_plant_ = 0;
  int64_t manager_ = 0, safety_ = 0, head_ = 0, worker_ = 0, other_ = 0;
  int raised_ = 0;
};

}  // namespace anxun::alert
