// The org and file routes over the real dispatcher: sessions, scopes, error
// bodies and headers as a client sees them.
//
//   group G ── park P ── plant A (area TF; points A-1 in TF, A-2)
//                    └── plant B (point B-1)
//   admin: sysadmin at G · safe_a: safety officer at A · insp_a: inspector at A
//   insp_b: inspector at B
#include "api/app.h"
#include "api/dispatch.h"
#include "api/routes.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "common/crypto.h"
#include "org/areas.h"
#include "org/org_units.h"
#include "org/points.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

namespace anxun::org {
namespace {

constexpr std::string_view kBoundary = "XyZ0123boundary";

class OrgApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    auth::InvalidateSessionCache();
    dir_ = std::filesystem::temp_directory_path() / ("anxun-orgapi-" + RandomToken(9));
    std::filesystem::create_directories(dir_);
    app_.data_dir = dir_;
    app_.db = db::Database::Open("sqlite:" + (dir_ / "t.db").string(), 2);
    app_.db->Migrate();
    api::RegisterOrgRoutes(app_.router);
    api::RegisterFileRoutes(app_.router);
    BuildWorld();
  }

  void TearDown() override {
    app_.db->Close();
    auth::InvalidateSessionCache();
    std::filesystem::remove_all(dir_);
  }

  void BuildWorld() {
    app_.db->Write([&](db::Conn& c) {
      auth::SeedBuiltinRoles(c);
      auth::AccessScope all;
      all.all = true;
      auto unit = [&](std::optional<int64_t> parent, const char* kind, const char* code) {
        OrgUnitInput in{parent, kind, code, std::string("单位") + code};
        return CreateOrgUnit(c, all, in).id;
      };
      group_ = unit(std::nullopt, "group", "G");
      const int64_t park = unit(group_, "park", "P");
      plant_a_ = unit(park, "plant", "A");
      plant_b_ = unit(park, "plant", "B");
      area_ = CreateArea(c, all, {plant_a_, "TF", "储罐区", "", 0.2, 0.3, "red"}).id;
      a1_ = CreatePoint(c, all,
                        {.org_unit_id = plant_a_,
                         .area_id = area_,
                         .code = "A-1",
                         .name = "1#原料储罐液位计",
                         .kind = "equipment"})
                .id;
      a2_ = CreatePoint(
                c, all,
                {.org_unit_id = plant_a_, .code = "A-2", .name = "消防栓XF-03", .kind = "fire"})
                .id;
      b1_ =
          CreatePoint(
              c, all,
              {.org_unit_id = plant_b_, .code = "B-1", .name = "配电柜AP-2", .kind = "electrical"})
              .id;
      AddUser(c, "admin", group_, "sysadmin");
      AddUser(c, "safe_a", plant_a_, "safety_officer");
      AddUser(c, "insp_a", plant_a_, "inspector");
      AddUser(c, "insp_b", plant_b_, "inspector");
    });
  }

  void AddUser(db::Conn& c, const std::string& name, int64_t unit, const std::string& role) {
    const int64_t id = c.Insert(
        "INSERT INTO users (username, display_name, org_unit_id, password_exempt, created_at, "
        "updated_at) VALUES (?, ?, ?, 1, 0, 0) RETURNING id",
        {name, "用户" + name, unit});
    c.Exec("INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE code = ?",
           {id, role});
    users_[name] = id;
    tokens_[name] = auth::CreateSession(c, app_.config, id, false, "127.0.0.1", "test").token;
  }

  http::Response Call(const std::string& user, const std::string& method, const std::string& target,
                      std::string body = "", std::string content_type = "application/json") {
    http::Request req;
    req.method = method;
    req.target = target;
    const size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = http::ParseQuery(target.substr(q + 1));
    req.headers.emplace_back("authorization", "Bearer " + tokens_.at(user));
    if (!body.empty()) req.headers.emplace_back("content-type", content_type);
    req.body = std::move(body);
    req.remote_ip = "127.0.0.1";
    return api::Dispatch(app_, req);
  }

  http::Response Upload(const std::string& user, const std::string& filename,
                        const std::string& bytes) {
    const std::string body = "--" + std::string(kBoundary) +
                             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                             filename + "\"\r\nContent-Type: image/png\r\n\r\n" + bytes + "\r\n--" +
                             std::string(kBoundary) + "--\r\n";
    return Call(user, "POST", "/api/v1/files", body,
                "multipart/form-data; boundary=" + std::string(kBoundary));
  }

  static boost::json::object Json(const http::Response& r) {
    return boost::json::parse(r.body).as_object();
  }

  static std::string ErrorCode(const http::Response& r) {
    return std::string(Json(r).at("error").as_object().at("code").as_string());
  }

  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  int64_t AuditCount(const std::string& action) {
    return app_.db->Read([&](db::Conn& c) {
      return c.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = ?", {action}).value_or(0);
    });
  }

  static std::string Png(int width, int height) {
    std::string s("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    for (int v : {width, height}) {
      for (int shift : {24, 16, 8, 0})
        s.push_back(static_cast<char>((v >> shift) & 255));
    }
    return s + std::string("\x08\x06\0\0\0", 5) + std::string(64, '\x42');
  }

  api::App app_;
  std::filesystem::path dir_;
  std::map<std::string, int64_t> users_;
  std::map<std::string, std::string> tokens_;
  int64_t group_ = 0, plant_a_ = 0, plant_b_ = 0, area_ = 0, a1_ = 0, a2_ = 0, b1_ = 0;
};

TEST_F(OrgApiTest, PointListIsScopedAndCarriesNames) {
  const auto r = Call("insp_a", "GET", "/api/v1/points?page_size=50");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = Json(r);
  EXPECT_EQ(body.at("total").as_int64(), 2);
  EXPECT_EQ(body.at("page_size").as_int64(), 50);
  const auto& first = body.at("items").as_array().at(0).as_object();
  EXPECT_EQ(first.at("code").as_string(), "A-1");
  EXPECT_EQ(first.at("area_name").as_string(), "储罐区");

  EXPECT_EQ(Json(Call("admin", "GET", "/api/v1/points?org_unit_id=" + std::to_string(plant_b_)))
                .at("total")
                .as_int64(),
            1);
  const auto sorted = Json(Call("admin", "GET", "/api/v1/points?sort=-code"));
  EXPECT_EQ(sorted.at("items").as_array().at(0).as_object().at("code").as_string(), "B-1");
  EXPECT_EQ(Call("admin", "GET", "/api/v1/points?sort=password").status, 400);
}

TEST_F(OrgApiTest, RecordsOutsideTheScopeAreNotFound) {
  EXPECT_EQ(Call("insp_b", "GET", "/api/v1/points/" + std::to_string(a1_)).status, 404);
  EXPECT_EQ(Call("insp_b", "GET", "/api/v1/points/" + std::to_string(a1_) + "/qr.svg").status, 404);
  EXPECT_EQ(Call("insp_b", "GET", "/api/v1/areas/" + std::to_string(area_)).status, 404);
  EXPECT_EQ(Call("insp_b", "GET", "/api/v1/org-units/" + std::to_string(plant_a_)).status, 404);
  EXPECT_EQ(Call("insp_b", "GET", "/api/v1/points/" + std::to_string(b1_)).status, 200);
}

TEST_F(OrgApiTest, QrSvgIsServedAsAnImage) {
  const auto r = Call("insp_a", "GET", "/api/v1/points/" + std::to_string(a1_) + "/qr.svg");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "image/svg+xml; charset=utf-8");
  EXPECT_TRUE(r.body.starts_with("<svg"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "qr-signing.key"));
}

TEST_F(OrgApiTest, LabelSheetIsPrintableHtmlWithoutScript) {
  const auto r =
      Call("insp_a", "GET",
           "/api/v1/points/labels?ids=" + std::to_string(a2_) + "," + std::to_string(a1_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  for (auto expected : {"size: A4", "A-1", "A-2", "1#原料储罐液位计", "储罐区", "单位A", "<svg"}) {
    EXPECT_NE(r.body.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_LT(r.body.find("A-2"), r.body.find("A-1")) << "labels keep the requested order";
}

TEST_F(OrgApiTest, LabelSheetRefusesForeignOrTooManyIds) {
  const std::string mixed = std::to_string(a1_) + "," + std::to_string(b1_);
  EXPECT_EQ(Call("insp_a", "GET", "/api/v1/points/labels?ids=" + mixed).status, 404);
  EXPECT_EQ(Call("insp_a", "GET", "/api/v1/points/labels?ids=1,x").status, 400);
  EXPECT_EQ(Call("insp_a", "GET", "/api/v1/points/labels").status, 400);
  std::string many;
  for (int i = 1; i <= 201; ++i)
    many += (i > 1 ? "," : "") + std::to_string(i);
  EXPECT_EQ(Call("admin", "GET", "/api/v1/points/labels?ids=" + many).status, 400);
}

TEST_F(OrgApiTest, SafetyOfficerCreatesPointsInTheirPlantOnly) {
  const std::string body = R"({"org_unit_id": )" + std::to_string(plant_a_) + R"(, "area_id": )" +
                           std::to_string(area_) +
                           R"(, "code": "A-3", "name": "紧急切断阀ESD-01", "kind": "pipeline"})";
  const auto created = Call("safe_a", "POST", "/api/v1/points", body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created).at("area_name").as_string(), "储罐区");
  EXPECT_EQ(AuditCount("point.create"), 1);

  EXPECT_EQ(ErrorCode(Call("safe_a", "POST", "/api/v1/points", body)), "duplicate_code");
  EXPECT_EQ(Call("insp_a", "POST", "/api/v1/points", body).status, 403);
  const std::string elsewhere =
      R"({"org_unit_id": )" + std::to_string(plant_b_) + R"(, "code": "B-9", "name": "x"})";
  EXPECT_EQ(ErrorCode(Call("safe_a", "POST", "/api/v1/points", elsewhere)), "validation_failed");
  EXPECT_EQ(ErrorCode(Call("safe_a", "POST", "/api/v1/points", R"({"code": "Q", "bogus": 1})")),
            "validation_failed");
}

TEST_F(OrgApiTest, PatchMovesAndDeactivatesWithAudit) {
  const std::string target = "/api/v1/org-units/" + std::to_string(plant_b_);
  const auto moved =
      Call("admin", "PATCH", target, R"({"parent_id": )" + std::to_string(group_) + "}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(moved).at("path").as_string(),
            "/" + std::to_string(group_) + "/" + std::to_string(plant_b_) + "/");
  EXPECT_EQ(AuditCount("org_unit.move"), 1);

  const auto refused = Call("admin", "PATCH", target, R"({"active": false})");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(ErrorCode(refused), "org_unit_has_active_users");
  EXPECT_EQ(ErrorCode(Call("admin", "PATCH", target, R"({"name": "x", "version": 1})")),
            "version_conflict");
}

TEST_F(OrgApiTest, UploadStoresContentAddressedBytes) {
  const std::string png = Png(1600, 1000);
  const auto r = Upload("insp_a", "平面图.png", png);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto body = Json(r);
  const std::string sha(body.at("sha256").as_string());
  EXPECT_EQ(sha, Sha256Hex(png));
  EXPECT_EQ(body.at("content_type").as_string(), "image/png");
  EXPECT_EQ(body.at("width").as_int64(), 1600);
  EXPECT_EQ(body.at("size").as_int64(), static_cast<int64_t>(png.size()));
  EXPECT_EQ(std::filesystem::file_size(dir_ / "files" / sha.substr(0, 2) / sha), png.size());
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "files" / "tmp"));
  EXPECT_EQ(AuditCount("file.upload"), 1);
}

TEST_F(OrgApiTest, UploadRefusesLiesAndPaths) {
  EXPECT_EQ(ErrorCode(Upload("insp_a", "photo.jpg", "just some text, not a photo\n")),
            "unsupported_file_type");
  EXPECT_EQ(ErrorCode(Upload("insp_a", "../../etc/plan.png", Png(10, 10))), "invalid_file_name");
  EXPECT_EQ(ErrorCode(Upload("insp_a", "big.png", Png(20000, 10))), "image_too_large");
  EXPECT_EQ(ErrorCode(Call("insp_a", "POST", "/api/v1/files", "{}")), "malformed_multipart");
  EXPECT_TRUE(app_.router.routes().size() > 0);
  bool upload_flag = false;
  for (const auto& route : app_.router.routes()) {
    if (route.method == "POST" && route.pattern == "/api/v1/files") upload_flag = route.upload;
  }
  EXPECT_TRUE(upload_flag);
}

TEST_F(OrgApiTest, DownloadNeedsARecordTheReaderMaySee) {
  const int64_t id = Json(Upload("insp_a", "plan.png", Png(1600, 1000))).at("id").as_int64();
  const std::string target = "/api/v1/files/" + std::to_string(id);

  const auto own = Call("insp_a", "GET", target);
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(own.body, Png(1600, 1000));
  EXPECT_EQ(own.content_type, "image/png");
  EXPECT_EQ(Call("admin", "GET", target).status, 200);
  EXPECT_EQ(Call("insp_b", "GET", target).status, 404);

  // Once plant B uses it as its floor plan, plant B's people may see it.
  const auto patched = Call("admin", "PATCH", "/api/v1/org-units/" + std::to_string(plant_b_),
                            R"({"floor_plan_file_id": )" + std::to_string(id) + "}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Call("insp_b", "GET", target).status, 200);
  const auto plan =
      Call("insp_b", "GET", "/api/v1/org-units/" + std::to_string(plant_b_) + "/floor-plan");
  EXPECT_EQ(plan.status, 200);
  EXPECT_EQ(plan.content_type, "image/png");
}

TEST_F(OrgApiTest, FloorPlanCannotBorrowSomeoneElsesFile) {
  const int64_t id = Json(Upload("insp_a", "private.png", Png(100, 100))).at("id").as_int64();
  const auto r = Call("admin", "PATCH", "/api/v1/org-units/" + std::to_string(plant_b_),
                      R"({"floor_plan_file_id": )" + std::to_string(id) + "}");
  EXPECT_EQ(r.status, 200) << "admin may read everything";

  // safe_a edits plant A; a file uploaded by insp_b in plant B is not theirs to use.
  const int64_t foreign = Json(Upload("insp_b", "b.png", Png(100, 100))).at("id").as_int64();
  const auto refused = Call("safe_a", "PATCH", "/api/v1/org-units/" + std::to_string(plant_a_),
                            R"({"floor_plan_file_id": )" + std::to_string(foreign) + "}");
  EXPECT_EQ(ErrorCode(refused), "validation_failed");
}

TEST_F(OrgApiTest, DrawnFloorPlanShowsTheAreas) {
  const auto r =
      Call("insp_a", "GET", "/api/v1/org-units/" + std::to_string(plant_a_) + "/floor-plan");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "image/svg+xml; charset=utf-8");
  EXPECT_NE(r.body.find("viewBox=\"0 0 1600 1000\""), std::string::npos);
  EXPECT_NE(r.body.find("储罐区"), std::string::npos);
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
}

TEST_F(OrgApiTest, OrgUnitListPagesAndFilters) {
  const auto all = Json(Call("admin", "GET", "/api/v1/org-units?sort=code&page_size=2"));
  EXPECT_EQ(all.at("total").as_int64(), 4);
  EXPECT_EQ(all.at("items").as_array().size(), 2u);
  EXPECT_EQ(Json(Call("admin", "GET", "/api/v1/org-units?kind=plant")).at("total").as_int64(), 2);
  EXPECT_EQ(Json(Call("insp_a", "GET", "/api/v1/org-units")).at("total").as_int64(), 1);
  EXPECT_EQ(
      Json(Call("admin", "GET", "/api/v1/org-units?q=%E5%8D%95%E4%BD%8DA")).at("total").as_int64(),
      1);
}

TEST_F(OrgApiTest, AreasCrud) {
  const std::string body =
      R"({"org_unit_id": )" + std::to_string(plant_a_) +
      R"(, "code": "RX", "name": "反应装置区", "x": 0.5, "y": 0.3, "risk_level": "red"})";
  const auto created = Call("safe_a", "POST", "/api/v1/areas", body);
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = Json(created).at("id").as_int64();
  const auto patched = Call("safe_a", "PATCH", "/api/v1/areas/" + std::to_string(id),
                            R"({"risk_level": null, "x": 0.55})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(Json(patched).at("risk_level").is_null());
  EXPECT_EQ(
      ErrorCode(Call("safe_a", "PATCH", "/api/v1/areas/" + std::to_string(id), R"({"y": 2})")),
      "validation_failed");
  EXPECT_EQ(Json(Call("insp_a", "GET", "/api/v1/areas?org_unit_id=" + std::to_string(plant_a_)))
                .at("total")
                .as_int64(),
            2);
}

}  // namespace
}  // namespace anxun::org
