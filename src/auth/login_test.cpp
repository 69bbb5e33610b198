#include "auth/account.h"
#include "auth/auth_test_fixture.h"
#include "auth/grants.h"
#include "auth/totp.h"

namespace anxun::auth {
namespace {

class LoginTest : public AuthTest {
 protected:
  // The caller of a fresh session, as the middleware would see it.
  Principal Caller(const LoginResult& r) {
    auto p = Authenticate(r.session.token);
    EXPECT_TRUE(p);
    return p.value_or(Principal{});
  }

  // Enrols TOTP for the user of `r` and returns the secret's raw key.
  std::string EnrolTotp(const LoginResult& r) {
    const Principal p = Caller(r);
    const TotpEnrollment e = BeginTotpEnrollment(*db_, Admin(), p);
    const std::string key = *Base32Decode(e.secret);
    ConfirmTotpEnrollment(*db_, cfg_, Admin(), p, TotpCode(key, NowMs() / 1000));
    return key;
  }
};

TEST_F(LoginTest, OpensASessionAndAuditsIt) {
  AddUser("zhangsan", plant_a_, {"inspector"});

  const LoginResult r = LoginAs("zhangsan");

  EXPECT_EQ(r.session.token.size(), 43u);  // 32 bytes, unpadded base64url
  EXPECT_FALSE(r.restriction.any());
  EXPECT_EQ(r.session.expires_at, kStart + 12 * kHourMs);
  EXPECT_EQ(CountAudit("auth.login"), 1);
  EXPECT_EQ(AuditText().find(kPassword), std::string::npos);
  EXPECT_EQ(AuditText().find(r.session.token), std::string::npos);
}

TEST_F(LoginTest, UnknownUserAndWrongPasswordLookTheSame) {
  AddUser("zhangsan", plant_a_);

  const ApiError wrong = ExpectApiError([&] { LoginAs("zhangsan", "Wrong-Horse-42"); });
  const ApiError unknown = ExpectApiError([&] { LoginAs("nobody", "Wrong-Horse-42"); });

  EXPECT_EQ(wrong.status(), 401);
  EXPECT_EQ(wrong.code(), "invalid_credentials");
  EXPECT_EQ(unknown.status(), 401);
  EXPECT_EQ(unknown.code(), wrong.code());
  EXPECT_STREQ(unknown.what(), wrong.what());
  EXPECT_EQ(CountAudit("auth.login_failed"), 2);
}

TEST_F(LoginTest, InactiveUsersCannotLogIn) {
  const int64_t id = AddUser("zhangsan", plant_a_);
  db_->Write([&](db::Conn& c) { UpdateUser(c, Admin(), id, {.active = false}); });

  EXPECT_EQ(ExpectApiError([&] { LoginAs("zhangsan"); }).code(), "invalid_credentials");
}

TEST_F(LoginTest, LocksAfterFiveFailuresForThirtyMinutes) {
  AddUser("zhangsan", plant_a_);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ExpectApiError([&] { LoginAs("zhangsan", "Wrong-Horse-42"); }).status(), 401);
  }

  const ApiError fifth = ExpectApiError([&] { LoginAs("zhangsan", "Wrong-Horse-42"); });
  EXPECT_EQ(fifth.status(), 423);
  EXPECT_EQ(fifth.code(), "account_locked");
  EXPECT_EQ(fifth.details().at("locked_until").as_string(), FormatRfc3339(kStart + 30 * kMinuteMs));
  EXPECT_EQ(CountAudit("auth.locked"), 1);

  AdvanceNowForTesting(29 * kMinuteMs);
  EXPECT_EQ(ExpectApiError([&] { LoginAs("zhangsan"); }).status(), 423);

  AdvanceNowForTesting(2 * kMinuteMs);
  EXPECT_NO_THROW(LoginAs("zhangsan"));
}

TEST_F(LoginTest, SuccessResetsTheFailureCount) {
  AddUser("zhangsan", plant_a_);
  for (int i = 0; i < 4; ++i)
    ExpectApiError([&] { LoginAs("zhangsan", "Wrong-Horse-42"); });
  LoginAs("zhangsan");

  EXPECT_EQ(ExpectApiError([&] { LoginAs("zhangsan", "Wrong-Horse-42"); }).status(), 401);
}

TEST_F(LoginTest, ForcedPasswordChangeRestrictsUntilChanged) {
  AddUser("zhangsan", plant_a_, {"inspector"}, /*must_change=*/true);
  const LoginResult other = LoginAs("zhangsan");
  const LoginResult r = LoginAs("zhangsan");
  EXPECT_TRUE(r.restriction.change_password);
  EXPECT_TRUE(Caller(r).restricted);

  const ApiError same = ExpectApiError(
      [&] { ChangeOwnPassword(*db_, cfg_, Admin(), Caller(r), kPassword, kPassword); });
  EXPECT_TRUE(same.details().at("fields").as_object().contains("new_password"));
  const ApiError wrong_old = ExpectApiError(
      [&] { ChangeOwnPassword(*db_, cfg_, Admin(), Caller(r), "nope", "New-Horse-4242"); });
  EXPECT_TRUE(wrong_old.details().at("fields").as_object().contains("old_password"));
  const ApiError weak = ExpectApiError(
      [&] { ChangeOwnPassword(*db_, cfg_, Admin(), Caller(r), kPassword, "zhangsan-Pass-1"); });
  EXPECT_TRUE(weak.details().at("fields").as_object().contains("new_password"));

  ChangeOwnPassword(*db_, cfg_, Admin(), Caller(r), kPassword, "New-Horse-4242");
  EXPECT_FALSE(Caller(r).restricted);
  EXPECT_FALSE(Authenticate(other.session.token));  // other sessions are revoked
  EXPECT_NO_THROW(LoginAs("zhangsan", "New-Horse-4242"));
}

TEST_F(LoginTest, AdministratorsMustEnrolTotpThenUseIt) {
  AddUser("sys", group_, {"sysadmin"});
  const LoginResult first = LoginAs("sys");
  EXPECT_TRUE(first.restriction.enroll_totp);
  EXPECT_TRUE(Caller(first).restricted);

  const std::string key = EnrolTotp(first);
  EXPECT_FALSE(Caller(first).restricted);

  AdvanceNowForTesting(30 * kSecondMs);
  EXPECT_EQ(ExpectApiError([&] { LoginAs("sys"); }).code(), "totp_required");
  EXPECT_EQ(ExpectApiError([&] { LoginAs("sys", kPassword, "000000"); }).code(),
            "invalid_credentials");
  const std::string code = TotpCode(key, NowMs() / 1000);
  EXPECT_FALSE(LoginAs("sys", kPassword, code).restriction.any());
  EXPECT_EQ(ExpectApiError([&] { LoginAs("sys", kPassword, code); }).code(),
            "invalid_credentials");  // a replayed code
}

TEST_F(LoginTest, DemoAdministratorsAreExempt) {
  AddUser("demo-sys", group_, {"sysadmin"}, /*must_change=*/true, /*exempt=*/true);
  EXPECT_FALSE(LoginAs("demo-sys").restriction.any());
}

TEST_F(LoginTest, ExpiredAdministratorPasswordRestricts) {
  AddUser("demo-audit", group_, {"auditor"});
  AdvanceNowForTesting(91 * kDayMs);
  EXPECT_TRUE(LoginAs("demo-audit").restriction.change_password);
}

TEST_F(LoginTest, MeDescribesTheCaller) {
  AddUser("zhangsan", plant_a_, {"inspector"});
  const LoginResult r = LoginAs("zhangsan");
  const Principal p = Caller(r);

  const auto me = db_->Read([&](db::Conn& c) { return AccountJson(c, cfg_, p); });

  EXPECT_EQ(me.at("username").as_string(), "zhangsan");
  EXPECT_EQ(me.at("org_unit").at("id").as_int64(), plant_a_);
  EXPECT_EQ(me.at("org_unit").at("kind").as_string(), "plant");
  EXPECT_EQ(me.at("roles").as_array().at(0).at("code").as_string(), "inspector");
  EXPECT_EQ(me.at("roles").as_array().at(0).at("scope").as_string(), "subtree");
  EXPECT_EQ(me.at("permissions").as_array().size(), 8u);
  EXPECT_FALSE(me.at("must_change_password").as_bool());
  EXPECT_EQ(me.at("locale").as_string(), "zh-CN");
}

}  // namespace
}  // namespace anxun::auth
