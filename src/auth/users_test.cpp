// Account administration as the users API and the command line use it.
#include "auth/auth_test_fixture.h"
#include "auth/user_view.h"

namespace anxun::auth {
namespace {

class UsersTest : public AuthTest {
 protected:
  NewUser Account(const std::string& username, const std::string& password) {
    NewUser u;
    u.username = username;
    u.display_name = "张三";
    u.org_unit_id = plant_a_;
    u.phone = "13800000000";
    u.password = password;
    u.role_ids = {RoleId("inspector")};
    return u;
  }

  std::string FieldError(const ApiError& e, const std::string& field) {
    const auto* fields = e.details().if_contains("fields");
    if (!fields || !fields->as_object().contains(field)) return "";
    return std::string(fields->as_object().at(field).as_string());
  }
};

TEST_F(UsersTest, CreatesAnAccountThatMustChooseItsPassword) {
  const int64_t id = CreateUser(*db_, cfg_, Admin(), Account("zhangsan", "Start-Pass-2025"));

  const LoginResult r = LoginAs("zhangsan", "Start-Pass-2025");
  EXPECT_EQ(r.user_id, id);
  EXPECT_TRUE(r.restriction.change_password);
  EXPECT_EQ(CountAudit("user.create"), 1);
}

TEST_F(UsersTest, AppliesThePasswordPolicy) {
  const ApiError e =
      ExpectApiError([&] { CreateUser(*db_, cfg_, Admin(), Account("zhangsan", "short")); });
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_NE(FieldError(e, "password"), "");
}

TEST_F(UsersTest, ValidatesTheProfile) {
  NewUser u = Account("bad name!", "Start-Pass-2025");
  u.org_unit_id = 999;
  u.role_ids = {999};
  const ApiError e = ExpectApiError([&] { CreateUser(*db_, cfg_, Admin(), u); });

  EXPECT_NE(FieldError(e, "username"), "");
  EXPECT_NE(FieldError(e, "org_unit_id"), "");
  EXPECT_NE(FieldError(e, "role_ids"), "");
}

TEST_F(UsersTest, UsernamesAreUniqueIgnoringCase) {
  AddUser("zhangsan", plant_a_);
  const ApiError e = ExpectApiError(
      [&] { CreateUser(*db_, cfg_, Admin(), Account("ZhangSan", "Start-Pass-2025")); });
  EXPECT_EQ(e.code(), "username_taken");
}

TEST_F(UsersTest, ResetPasswordForcesAChangeAndEndsSessions) {
  const int64_t id = AddUser("zhangsan", plant_a_);
  const std::string token = LoginAs("zhangsan").session.token;

  SetPassword(*db_, cfg_, Admin(), id, "Reset-Pass-2025");

  EXPECT_FALSE(Authenticate(token));
  EXPECT_TRUE(LoginAs("zhangsan", "Reset-Pass-2025").restriction.change_password);
  const ApiError weak = ExpectApiError([&] { SetPassword(*db_, cfg_, Admin(), id, "weak"); });
  EXPECT_NE(FieldError(weak, "new_password"), "");
}

TEST_F(UsersTest, UpdatesWithVersionCheck) {
  const int64_t id = AddUser("zhangsan", plant_a_);
  db_->Write([&](db::Conn& c) {
    UpdateUser(c, Admin(), id, {.display_name = "张三丰", .email = "", .version = 1});
  });

  const ApiError stale = ExpectApiError([&] {
    db_->Write([&](db::Conn& c) { UpdateUser(c, Admin(), id, {.locale = "en-US", .version = 1}); });
  });
  EXPECT_EQ(stale.code(), "version_conflict");
  EXPECT_EQ(CountAudit("user.update"), 1);
}

TEST_F(UsersTest, AuditNeverHoldsSecrets) {
  const int64_t id = AddUser("zhangsan", plant_a_);
  SetPassword(*db_, cfg_, Admin(), id, "Reset-Pass-2025");
  db_->Write([&](db::Conn& c) {
    c.Exec("UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = ?", {id});
    ResetTotp(c, Admin(), id);
  });

  const std::string text = AuditText();
  EXPECT_EQ(text.find("argon2"), std::string::npos);
  EXPECT_EQ(text.find("password_hash"), std::string::npos);
  EXPECT_EQ(text.find("JBSWY3DPEHPK3PXP"), std::string::npos);
  EXPECT_EQ(text.find("Reset-Pass-2025"), std::string::npos);
}

TEST_F(UsersTest, ListsOnlyUsersInScope) {
  AddUser("aa", plant_a_, {"inspector"});
  AddUser("aa1", workshop_a1_);
  AddUser("bb", plant_b_);
  AccessScope scope;
  scope.unit_ids = {plant_a_, workshop_a1_};
  db::Where where;
  scope.Apply(where, "u.org_unit_id", "u.id");
  db::Page page;
  page.order_by = "u.username ASC";

  const auto items = db_->Read([&](db::Conn& c) { return UserItems(c, where, page); });

  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("username").as_string(), "aa");
  EXPECT_EQ(items[0].at("org_unit_name").as_string(), "unit PA");
  EXPECT_EQ(items[0].at("roles").as_array().at(0).at("code").as_string(), "inspector");
  EXPECT_EQ(items[1].at("username").as_string(), "aa1");
  const auto outside = db_->Read([&](db::Conn& c) { return UserDetail(c, 3, scope); });
  EXPECT_FALSE(outside);
}

TEST_F(UsersTest, CommandLineNamesThingsByCode) {
  const int64_t id =
      CliCreateUser(*db_, cfg_, Admin(), "zhaoliu", "赵六", "G", {"sysadmin"}, "Admin-Pass-2025!");
  EXPECT_EQ(LoginAs("zhaoliu", "Admin-Pass-2025!").user_id, id);

  CliSetLocked(*db_, Admin(), "zhaoliu", true);
  EXPECT_EQ(ExpectApiError([&] { LoginAs("zhaoliu", "Admin-Pass-2025!"); }).status(), 423);
  CliSetLocked(*db_, Admin(), "zhaoliu", false);
  CliSetPassword(*db_, cfg_, Admin(), "zhaoliu", "Other-Pass-2025!");
  EXPECT_TRUE(LoginAs("zhaoliu", "Other-Pass-2025!").restriction.change_password);
}

TEST_F(UsersTest, CommandLineErrorsSayWhatIsWrong) {
  auto message = [](auto&& fn) {
    try {
      fn();
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };

  EXPECT_EQ(message([&] { CliCreateUser(*db_, cfg_, Admin(), "x1", "X", "NOPE", {}, "pw"); }),
            "no org unit 'NOPE'");
  EXPECT_NE(message([&] {
              CliCreateUser(*db_, cfg_, Admin(), "x1", "X", "G", {}, "pw");
            }).find("password: "),
            std::string::npos);
  EXPECT_EQ(message([&] { CliSetLocked(*db_, Admin(), "ghost", true); }), "no user 'ghost'");
}

}  // namespace
}  // namespace anxun::auth
