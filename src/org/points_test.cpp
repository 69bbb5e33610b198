#include "org/org_test_fixture.h"

#include "common/error.h"

namespace anxun::org {
namespace {

class PointsTest : public OrgTest {
 protected:
  void SetUp() override {
    OrgTest::SetUp();
    group_ = AddUnit(std::nullopt, "group", "G");
    plant_ = AddUnit(AddUnit(group_.id, "park", "P").id, "plant", "PL");
    shop_ = AddUnit(plant_.id, "workshop", "W");
    other_ = AddUnit(group_.id, "plant", "OTHER");
    area_ = AddArea(plant_.id, "TF");
  }

  struct Listed {
    boost::json::array items;
    int64_t total = 0;
  };

  Listed List(const PointFilter& f, const auth::AccessScope& scope = All(), int size = 50) {
    db::Page page;
    page.page_size = size;
    page.order_by = "p.code ASC, p.id ASC";
    const std::string text =
        db_->Read([&](db::Conn& c) { return ListPointsJson(c, scope, f, page); });
    auto body = boost::json::parse(text).as_object();
    EXPECT_EQ(body.at("page_size").as_int64(), size);
    return {body.at("items").as_array(), body.at("total").as_int64()};
  }

  OrgUnit group_, plant_, shop_, other_;
  Area area_;
};

TEST_F(PointsTest, ListJoinsAreaAndResponsibleNames) {
  auto in = NewPoint(plant_.id, "PL-TF-01", area_.id);
  in.responsible_user_id = AddUser(plant_.id, "liuhai");
  AddPoint(in);

  const auto result = List({});
  ASSERT_EQ(result.total, 1);
  const auto& item = result.items[0].as_object();
  EXPECT_EQ(item.at("area_name").as_string(), "储罐区");
  EXPECT_EQ(item.at("responsible_name").as_string(), "用户 liuhai");
  for (auto key : {"id", "org_unit_id", "area_id", "code", "name", "kind", "description", "x", "y",
                   "responsible_user_id", "nfc_uid", "latitude", "longitude", "radius_m", "active",
                   "version", "created_at", "updated_at"}) {
    EXPECT_TRUE(item.contains(key)) << key;
  }
}

TEST_F(PointsTest, TextAndDomShapesAgree) {
  auto in = NewPoint(plant_.id, "Q-1", area_.id);
  in.description = "引号\" 反斜杠\\ 换行\n 制表\t \x01 <tag>";
  in.latitude = 32.2600001;
  in.longitude = -118.5;
  in.radius_m = 30;
  in.x = 0.125;
  const Point p = AddPoint(in);

  std::string text;
  AppendJson(text, p);
  const auto parsed = boost::json::parse(text).as_object();
  EXPECT_EQ(parsed.at("description").as_string(), in.description);
  EXPECT_EQ(parsed.at("latitude").to_number<double>(), 32.2600001);
  EXPECT_EQ(parsed.at("radius_m").to_number<double>(), 30.0);
  EXPECT_TRUE(parsed.at("y").is_null());
  EXPECT_EQ(parsed.size(), 20u);
}

TEST_F(PointsTest, UnitFilterIncludesDescendants) {
  AddPoint(plant_.id, "A");
  AddPoint(shop_.id, "B");
  AddPoint(other_.id, "C");
  PointFilter f;
  f.org_unit_id = plant_.id;
  EXPECT_EQ(List(f).total, 2);
  f.org_unit_id = shop_.id;
  EXPECT_EQ(List(f).total, 1);
}

TEST_F(PointsTest, ScopeHidesOtherUnits) {
  const auto mine = AddPoint(plant_.id, "A");
  const auto theirs = AddPoint(other_.id, "C");
  const auto scope = Units({plant_.id});

  EXPECT_EQ(List({}, scope).total, 1);
  EXPECT_EQ(ErrorOf([&] {
              db_->Read([&](db::Conn& c) { return GetPointInScope(c, scope, theirs.id); });
            }).first,
            404);
  EXPECT_EQ(
      ErrorOf([&] {
        db_->Read([&](db::Conn& c) { return GetPointsInScope(c, scope, {mine.id, theirs.id}); });
      }).first,
      404);
}

TEST_F(PointsTest, TotalIsCountedBeyondTheFirstPage) {
  for (int i = 0; i < 7; ++i)
    AddPoint(plant_.id, "P" + std::to_string(i));
  const auto page = List({}, All(), 3);
  EXPECT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.total, 7);
}

TEST_F(PointsTest, DuplicateCodeIsAConflict) {
  AddPoint(plant_.id, "DUP");
  EXPECT_EQ(ErrorOf([&] { AddPoint(other_.id, "DUP"); }),
            (std::pair<int, std::string>{409, "duplicate_code"}));
}

TEST_F(PointsTest, AreaMustBelongToThePointsUnit) {
  EXPECT_EQ(ErrorOf([&] { AddPoint(other_.id, "X", area_.id); }).second, "validation_failed");
  EXPECT_EQ(ErrorOf([&] { AddPoint(shop_.id, "Y", area_.id); }).second, "validation_failed");
}

TEST_F(PointsTest, FieldsAreValidated) {
  auto in = NewPoint(plant_.id, "bad code!");
  EXPECT_EQ(ErrorOf([&] { AddPoint(in); }).first, 400);
  in = NewPoint(plant_.id, "OK");
  in.kind = "volcano";
  EXPECT_EQ(ErrorOf([&] { AddPoint(in); }).first, 400);
  in.kind = "fire";
  in.x = 1.5;
  EXPECT_EQ(ErrorOf([&] { AddPoint(in); }).first, 400);
  in.x = 0.5;
  in.latitude = 32.1;  // without longitude
  EXPECT_EQ(ErrorOf([&] { AddPoint(in); }).first, 400);
  in.longitude = 118.7;
  EXPECT_EQ(AddPoint(in).kind, "fire");
}

TEST_F(PointsTest, NfcTagsAreNormalizedAndUnique) {
  EXPECT_EQ(NormalizeNfcUid("04:a1:b2:c3:d4:e5:f6"), "04A1B2C3D4E5F6");
  EXPECT_EQ(NormalizeNfcUid("DEADBEEF"), "DEADBEEF");
  EXPECT_FALSE(NormalizeNfcUid("04A1B2"));
  EXPECT_FALSE(NormalizeNfcUid("zz:zz:zz:zz"));

  auto in = NewPoint(plant_.id, "N1");
  in.nfc_uid = "04A1B2C3D4E5F6";
  AddPoint(in);
  in.code = "N2";
  EXPECT_EQ(ErrorOf([&] { AddPoint(in); }).second, "duplicate_nfc_uid");
}

TEST_F(PointsTest, PatchChangesFieldsAndChecksVersion) {
  const auto p = AddPoint(plant_.id, "A", area_.id);
  PointPatch patch;
  patch.name = "1#原料储罐液位计";
  patch.area_id = std::optional<int64_t>{};  // clear
  patch.version = p.version;

  const auto after = db_->Write([&](db::Conn& c) { return UpdatePoint(c, All(), p.id, patch); });
  EXPECT_EQ(after.name, "1#原料储罐液位计");
  EXPECT_FALSE(after.area_id);
  EXPECT_EQ(after.version, p.version + 1);
  EXPECT_EQ(ErrorOf([&] {
              db_->Write([&](db::Conn& c) { return UpdatePoint(c, All(), p.id, patch); });
            }).second,
            "version_conflict");
}

TEST_F(PointsTest, AreaWithActivePointsCannotBeDeactivated) {
  AddPoint(plant_.id, "A", area_.id);
  AreaPatch off;
  off.active = false;
  EXPECT_EQ(ErrorOf([&] {
              db_->Write([&](db::Conn& c) { return UpdateArea(c, All(), area_.id, off); });
            }).second,
            "area_has_active_points");
}

TEST_F(PointsTest, AreaPositionsAreFractions) {
  AreaInput in;
  in.org_unit_id = plant_.id;
  in.code = "RX";
  in.name = "反应装置区";
  in.y = -0.1;
  EXPECT_EQ(
      ErrorOf([&] { db_->Write([&](db::Conn& c) { return CreateArea(c, All(), in); }); }).first,
      400);
  in.y = 1.0;
  in.risk_level = "purple";
  EXPECT_EQ(
      ErrorOf([&] { db_->Write([&](db::Conn& c) { return CreateArea(c, All(), in); }); }).first,
      400);
  in.risk_level = "orange";
  EXPECT_EQ(db_->Write([&](db::Conn& c) { return CreateArea(c, All(), in); }).risk_level, "orange");
  EXPECT_EQ(
      ErrorOf([&] { db_->Write([&](db::Conn& c) { return CreateArea(c, All(), in); }); }).second,
      "duplicate_code");
}

}  // namespace
}  // namespace anxun::org
