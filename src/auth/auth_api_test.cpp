// The auth and users routes over the real request path (api::Dispatch):
// cookies, restricted sessions, data scope and separation of duties.
#include "api/app.h"
#include "api/dispatch.h"
#include "api/routes.h"
#include "auth/auth_test_fixture.h"
#include "auth/totp.h"

#include <boost/json.hpp>

namespace anxun::auth {
namespace {

class AuthApiTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    app_.config = cfg_;
    app_.db = std::move(owned_db_);
    api::RegisterAuthRoutes(app_.router);
    api::RegisterUserRoutes(app_.router);

    AddUser("sys", group_, {"sysadmin"}, false, /*exempt=*/true);
    AddUser("sec", group_, {"secadmin"}, false, true);
    AddUser("aud", group_, {"auditor"}, false, true);
    AddUser("safe_a", plant_a_, {"safety_officer"});
    AddUser("insp_a1", workshop_a1_, {"inspector"});
    AddUser("insp_b", plant_b_, {"inspector"});
  }

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& token = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    const size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = http::ParseQuery(target.substr(q + 1));
    req.headers = std::move(headers);
    if (!token.empty()) req.headers.emplace_back("authorization", "Bearer " + token);
    if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
    req.body = body;
    req.remote_ip = "10.0.0.7";
    return api::Dispatch(app_, req);
  }

  // Logs in over the API and returns the token.
  std::string TokenOf(const std::string& username, const std::string& password = kPassword) {
    const auto r =
        Call("POST", "/api/v1/auth/login", Body({{"username", username}, {"password", password}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(Json(r).at("token").as_string());
  }

  static std::string Body(const boost::json::object& o) { return boost::json::serialize(o); }
  static boost::json::object Json(const http::Response& r) {
    return boost::json::parse(r.body).as_object();
  }
  static std::string ErrorCode(const http::Response& r) {
    return std::string(Json(r).at("error").at("code").as_string());
  }
  static std::vector<std::string> Cookies(const http::Response& r) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie") out.push_back(v);
    }
    return out;
  }

  api::App app_;
};

TEST_F(AuthApiTest, LoginSetsCookiesAndDescribesTheUser) {
  const auto r =
      Call("POST", "/api/v1/auth/login", Body({{"username", "insp_a1"}, {"password", kPassword}}));

  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = Json(r);
  const std::string token(body.at("token").as_string());
  const std::string csrf(body.at("csrf_token").as_string());
  EXPECT_EQ(body.at("user").at("username").as_string(), "insp_a1");
  EXPECT_EQ(body.at("user").at("org_unit").at("id").as_int64(), workshop_a1_);
  EXPECT_FALSE(body.at("must_change_password").as_bool());
  const auto cookies = Cookies(r);
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_EQ(cookies[0], "anxun_session=" + token + "; HttpOnly; SameSite=Strict; Path=/");
  EXPECT_EQ(cookies[1], "anxun_csrf=" + csrf + "; SameSite=Strict; Path=/");

  const std::string cookie = "anxun_session=" + token;
  EXPECT_EQ(Call("GET", "/api/v1/me", "", "", {{"cookie", cookie}}).status, 200);
  EXPECT_EQ(ErrorCode(Call("POST", "/api/v1/auth/logout", "{}", "", {{"cookie", cookie}})),
            "csrf_failed");
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/logout", "{}", "", {{"cookie", cookie}, {"x-csrf-token", csrf}})
          .status,
      204);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", token).status, 401);
}

TEST_F(AuthApiTest, CookiesAreSecureBehindTls) {
  const auto r =
      Call("POST", "/api/v1/auth/login", Body({{"username", "insp_a1"}, {"password", kPassword}}),
           "", {{"x-forwarded-proto", "https"}});
  for (const auto& c : Cookies(r))
    EXPECT_TRUE(c.ends_with("; Secure")) << c;
}

TEST_F(AuthApiTest, WrongPasswordAnswersInvalidCredentials) {
  const auto r = Call("POST", "/api/v1/auth/login",
                      Body({{"username", "insp_a1"}, {"password", "Wrong-Horse-42"}}));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorCode(r), "invalid_credentials");
}

TEST_F(AuthApiTest, RestrictedSessionsMayOnlyFixTheAccount) {
  AddUser("newbie", plant_a_, {"inspector"}, /*must_change=*/true);
  const std::string token = TokenOf("newbie");

  EXPECT_EQ(Call("GET", "/api/v1/users", "", token).status, 403);
  EXPECT_TRUE(Json(Call("GET", "/api/v1/me", "", token)).at("must_change_password").as_bool());
  const auto weak = Call("POST", "/api/v1/auth/password",
                         Body({{"old_password", kPassword}, {"new_password", "short"}}), token);
  EXPECT_EQ(weak.status, 400);
  EXPECT_TRUE(
      Json(weak).at("error").at("details").at("fields").as_object().contains("new_password"));
  const auto ok =
      Call("POST", "/api/v1/auth/password",
           Body({{"old_password", kPassword}, {"new_password", "Brand-New-Pass-1"}}), token);
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(Call("GET", "/api/v1/me", "", token).status, 200);
  EXPECT_FALSE(Json(Call("GET", "/api/v1/me", "", token)).at("restricted").as_bool());
}

TEST_F(AuthApiTest, AdministratorsEnrolTotpOverTheApi) {
  AddUser("sys2", group_, {"sysadmin"});
  const std::string token = TokenOf("sys2");
  EXPECT_TRUE(Json(Call("GET", "/api/v1/me", "", token)).at("totp_enrollment_required").as_bool());

  const auto enrol = Json(Call("POST", "/api/v1/auth/totp/enroll", "", token));
  EXPECT_TRUE(enrol.at("otpauth_uri").as_string().starts_with("otpauth://totp/anxun:sys2?"));
  EXPECT_TRUE(enrol.at("qr_svg").as_string().starts_with("<svg"));
  const std::string key = *Base32Decode(enrol.at("secret").as_string());
  EXPECT_EQ(Call("POST", "/api/v1/auth/totp/confirm", Body({{"code", "000000"}}), token).status,
            400);
  const std::string code = TotpCode(key, NowMs() / 1000);
  EXPECT_EQ(Call("POST", "/api/v1/auth/totp/confirm", Body({{"code", code}}), token).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/users", "", token).status, 200);
}

TEST_F(AuthApiTest, UsersListFollowsTheDataScope) {
  const auto all = Json(Call("GET", "/api/v1/users?sort=username", "", TokenOf("sys")));
  EXPECT_EQ(all.at("total").as_int64(), 6);

  const auto mine = Json(Call("GET", "/api/v1/users?sort=-username", "", TokenOf("safe_a")));
  ASSERT_EQ(mine.at("total").as_int64(), 2);  // plant A and its workshop
  EXPECT_EQ(mine.at("items").at(0).at("username").as_string(), "safe_a");
  EXPECT_EQ(mine.at("items").at(1).at("username").as_string(), "insp_a1");
  EXPECT_EQ(mine.at("items").at(1).at("roles").at(0).at("code").as_string(), "inspector");

  const int64_t insp_b = all.at("items").at(2).at("id").as_int64();  // "insp_b"
  EXPECT_EQ(Call("GET", "/api/v1/users/" + std::to_string(insp_b), "", TokenOf("safe_a")).status,
            404);
  EXPECT_EQ(Call("GET", "/api/v1/users", "", TokenOf("insp_a1")).status, 403);
}

TEST_F(AuthApiTest, SystemAdministratorCreatesAccountsSecurityAdministratorAssignsRoles) {
  const std::string sys = TokenOf("sys");
  const std::string sec = TokenOf("sec");
  boost::json::object input{{"username", "zhaoliu"},         {"display_name", "赵六"},
                            {"org_unit_id", plant_b_},       {"phone", "13900000000"},
                            {"password", "Start-Pass-2025"}, {"role_ids", boost::json::array{}}};

  const auto created = Call("POST", "/api/v1/users", Body(input), sys);
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = Json(created).at("id").as_int64();
  EXPECT_TRUE(Json(created).at("must_change_password").as_bool());

  input["username"] = "zhaoliu2";
  input["role_ids"] = boost::json::array{RoleId("inspector")};
  EXPECT_EQ(Call("POST", "/api/v1/users", Body(input), sys).status, 403);

  const std::string roles_path = "/api/v1/users/" + std::to_string(id) + "/roles";
  EXPECT_EQ(Call("PUT", roles_path, Body({{"role_ids", {RoleId("inspector")}}}), sys).status, 403);
  const auto mixed =
      Call("PUT", roles_path, Body({{"role_ids", {RoleId("sysadmin"), RoleId("auditor")}}}), sec);
  EXPECT_EQ(mixed.status, 409);
  EXPECT_EQ(ErrorCode(mixed), "separation_of_duties");
  const auto assigned = Call("PUT", roles_path, Body({{"role_ids", {RoleId("inspector")}}}), sec);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Json(assigned).at("roles").at(0).at("code").as_string(), "inspector");
}

TEST_F(AuthApiTest, CredentialsOfAnotherDutyAreOutOfReach) {
  const std::string sys = TokenOf("sys");
  const auto users = Json(Call("GET", "/api/v1/users?q=aud", "", sys));
  const std::string aud = std::to_string(users.at("items").at(0).at("id").as_int64());

  const auto reset = Call("POST", "/api/v1/users/" + aud + "/reset-password",
                          Body({{"new_password", "Taken-Over-2025"}}), sys);
  EXPECT_EQ(reset.status, 403);
  EXPECT_EQ(ErrorCode(reset), "separation_of_duties");
  EXPECT_EQ(Call("POST", "/api/v1/users/" + aud + "/reset-totp", "", sys).status, 403);
}

TEST_F(AuthApiTest, LockUnlockAndDeactivate) {
  const std::string sys = TokenOf("sys");
  const std::string victim = TokenOf("insp_b");
  const int64_t id = Json(Call("GET", "/api/v1/me", "", victim)).at("id").as_int64();
  const std::string path = "/api/v1/users/" + std::to_string(id);

  const auto locked = Call("POST", path + "/lock", "", sys);
  ASSERT_EQ(locked.status, 200) << locked.body;
  EXPECT_TRUE(Json(locked).at("locked").as_bool());
  EXPECT_EQ(Call("GET", "/api/v1/me", "", victim).status, 401);
  EXPECT_FALSE(Json(Call("POST", path + "/unlock", "", sys)).at("locked").as_bool());

  const auto stale = Call("PATCH", path, Body({{"active", false}, {"version", 99}}), sys);
  EXPECT_EQ(ErrorCode(stale), "version_conflict");
  const int64_t version = Json(Call("GET", path, "", sys)).at("version").as_int64();
  const auto off = Call("PATCH", path, Body({{"active", false}, {"version", version}}), sys);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(Json(off).at("active").as_bool());

  const auto self = Json(Call("GET", "/api/v1/me", "", sys)).at("id").as_int64();
  EXPECT_EQ(ErrorCode(Call("POST", "/api/v1/users/" + std::to_string(self) + "/lock", "", sys)),
            "cannot_modify_self");
}

TEST_F(AuthApiTest, RolesAndPermissions) {
  const std::string sec = TokenOf("sec");

  const auto perms = Json(Call("GET", "/api/v1/permissions", "", sec));
  EXPECT_EQ(perms.at("items").as_array().size(), 36u);
  const auto roles = Json(Call("GET", "/api/v1/roles?sort=code&page_size=200", "", sec));
  EXPECT_EQ(roles.at("total").as_int64(), 8);

  const auto mixed = Call("POST", "/api/v1/roles",
                          Body({{"code", "super"},
                                {"name", "超级"},
                                {"scope", "all"},
                                {"permissions", {"user.manage", "audit.view"}}}),
                          sec);
  EXPECT_EQ(mixed.status, 400);
  EXPECT_EQ(ErrorCode(mixed), "separation_of_duties");

  const auto made = Call("POST", "/api/v1/roles",
                         Body({{"code", "viewer"},
                               {"name", "只读"},
                               {"scope", "unit"},
                               {"permissions", {"point.view", "area.view"}}}),
                         sec);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = "/api/v1/roles/" + std::to_string(Json(made).at("id").as_int64());
  const auto renamed = Call("PATCH", path, Body({{"name", "只读人员"}}), sec);
  EXPECT_EQ(Json(renamed).at("name").as_string(), "只读人员");

  const auto builtin = Call("PATCH", "/api/v1/roles/" + std::to_string(RoleId("inspector")),
                            Body({{"name", "x"}}), sec);
  EXPECT_EQ(ErrorCode(builtin), "builtin_role");
  EXPECT_EQ(Call("POST", "/api/v1/roles", Body({{"code", "x2"}}), TokenOf("sys")).status, 403);
}

}  // namespace
}  // namespace anxun::auth
