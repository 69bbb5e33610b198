// Separation of duties (三权分立) and the built-in roles.
#include "auth/auth_test_fixture.h"
#include "auth/permissions.h"

#include <map>

namespace anxun::auth {
namespace {

class DutiesTest : public AuthTest {
 protected:
  NewUser Account(const std::string& username, std::vector<std::string> roles) {
    NewUser u;
    u.username = username;
    u.display_name = username;
    u.org_unit_id = group_;
    u.password = "Admin-Pass-2025!";
    for (const auto& r : roles)
      u.role_ids.push_back(RoleId(r));
    return u;
  }

  std::string UserDutyOf(int64_t id) {
    return db_->Read([&](db::Conn& c) { return UserDuty(c, id); });
  }

  ApiError SetRolesError(int64_t user_id, std::vector<std::string> roles) {
    std::vector<int64_t> ids;
    for (const auto& r : roles)
      ids.push_back(RoleId(r));
    return ExpectApiError(
        [&] { db_->Write([&](db::Conn& c) { SetUserRoles(c, Admin(), user_id, ids); }); });
  }
};

TEST_F(DutiesTest, SeedsTheBuiltinRolesOnce) {
  db_->Write([](db::Conn& c) { SeedBuiltinRoles(c); });
  const auto names = db_->Read([](db::Conn& c) {
    std::map<std::string, std::string> out;
    for (const auto& row : c.Query("SELECT code, name, COALESCE(duty, '') FROM roles")) {
      out[row.Str(0)] = row.Str(1) + "/" + row.Str(2);
    }
    return out;
  });

  EXPECT_EQ(names.size(), 8u);
  EXPECT_EQ(names.at("safety_officer"), "安全管理员/");
  EXPECT_EQ(names.at("secadmin"), "安全保密管理员/security");
  EXPECT_EQ(names.at("sysadmin"), "系统管理员/system");
  EXPECT_EQ(names.at("auditor"), "审计管理员/audit");
  EXPECT_EQ(CountAudit("role.create"), 8);
}

TEST_F(DutiesTest, PutsBackDriftedBuiltinPermissions) {
  db_->Write([&](db::Conn& c) {
    c.Exec("INSERT INTO role_permissions (role_id, permission) VALUES (?, 'audit.view')",
           {RoleId("sysadmin")});
    SeedBuiltinRoles(c);
  });

  const auto role = db_->Read([&](db::Conn& c) { return RoleJson(c, RoleId("sysadmin")); });
  for (const auto& p : role.at("permissions").as_array())
    EXPECT_NE(p.as_string(), "audit.view");
  EXPECT_EQ(CountAudit("role.update"), 1);
}

TEST_F(DutiesTest, NoAccountHoldsTwoDuties) {
  const ApiError e = ExpectApiError([&] {
    CreateUser(*db_, cfg_, Admin(), Account("boss", {"sysadmin", "auditor"}));
  });
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.code(), "separation_of_duties");

  const int64_t sys = AddUser("sys", group_, {"sysadmin"});
  EXPECT_EQ(SetRolesError(sys, {"sysadmin", "secadmin"}).code(), "separation_of_duties");
}

TEST_F(DutiesTest, OneDutyWithBusinessRolesIsFine) {
  const int64_t id = AddUser("sys", group_, {"sysadmin", "manager"});
  EXPECT_EQ(UserDutyOf(id), "system");
}

TEST_F(DutiesTest, CustomRolesCannotMixDuties) {
  const ApiError e = ExpectApiError([&] {
    db_->Write([&](db::Conn& c) {
      CreateRole(c, Admin(),
                 {"super", "super", "", ScopeKind::kAll, {"user.manage", "audit.view"}});
    });
  });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "separation_of_duties");
}

TEST_F(DutiesTest, CustomRolesTakeTheDutyOfTheirPermissions) {
  const int64_t role = db_->Write([&](db::Conn& c) {
    return CreateRole(c, Admin(), {"role_admin", "授权员", "", ScopeKind::kAll, {"role.manage"}});
  });
  const int64_t sys = AddUser("sys", group_, {"sysadmin"});

  const ApiError e = ExpectApiError([&] {
    db_->Write([&](db::Conn& c) { SetUserRoles(c, Admin(), sys, {RoleId("sysadmin"), role}); });
  });
  EXPECT_EQ(e.code(), "separation_of_duties");
}

TEST_F(DutiesTest, ARoleHeldBySomeoneCannotGainAnotherDuty) {
  const int64_t role = db_->Write([&](db::Conn& c) {
    return CreateRole(c, Admin(), {"viewer", "viewer", "", ScopeKind::kAll, {"org.view"}});
  });
  const int64_t sys = AddUser("sys", group_, {"sysadmin"});
  db_->Write([&](db::Conn& c) { SetUserRoles(c, Admin(), sys, {RoleId("sysadmin"), role}); });

  const ApiError e = ExpectApiError([&] {
    db_->Write([&](db::Conn& c) {
      UpdateRole(c, Admin(), role, {.permissions = std::vector<std::string>{"audit.view"}});
    });
  });
  EXPECT_EQ(e.code(), "separation_of_duties");
}

TEST_F(DutiesTest, BuiltinRolesCannotBeChanged) {
  const ApiError e = ExpectApiError([&] {
    db_->Write([&](db::Conn& c) { UpdateRole(c, Admin(), RoleId("inspector"), {.name = "x"}); });
  });
  EXPECT_EQ(e.code(), "builtin_role");
}

TEST_F(DutiesTest, TheLastHolderOfADutyKeepsIt) {
  const int64_t first = AddUser("sys1", group_, {"sysadmin"});
  EXPECT_EQ(SetRolesError(first, {}).code(), "last_administrator");

  AddUser("sys2", group_, {"sysadmin"});
  EXPECT_NO_THROW(db_->Write([&](db::Conn& c) { SetUserRoles(c, Admin(), first, {}); }));
}

TEST(Permissions, ExclusivePermissionsBelongToOneDuty) {
  EXPECT_EQ(ExclusiveDuty("user.manage"), Duty::kSystem);
  EXPECT_EQ(ExclusiveDuty("settings.manage"), Duty::kSystem);
  EXPECT_EQ(ExclusiveDuty("role.manage"), Duty::kSecurity);
  EXPECT_EQ(ExclusiveDuty("audit.export"), Duty::kAudit);
  EXPECT_FALSE(ExclusiveDuty("user.view"));
  EXPECT_EQ(PermissionCatalog().size(), 36u);
  for (const auto& role : BuiltinRoles()) {
    for (auto p : role.permissions)
      EXPECT_TRUE(IsKnownPermission(p)) << role.code << " " << p;
  }
}

}  // namespace
}  // namespace anxun::auth
