// Point kinds, NFC tag ids and the JSON shape of a point (declared in points.h).
#include "common/clock.h"
#include "org/fields.h"
#include "org/json_text.h"
#include "org/points.h"

#include <cctype>

namespace anxun::org {
namespace {

// A PATCH's nfc_uid: null or "" clears; anything else must normalize.
std::optional<std::optional<std::string>> ReadNfcPatch(Body& b) {
  auto raw = NullableStr(b, "nfc_uid", 64);
  if (!raw) return std::nullopt;
  if (!*raw || (*raw)->empty()) return std::optional<std::string>{};
  auto uid = NormalizeNfcUid(**raw);
  if (!uid) b.Fail("nfc_uid", "应为 4、7 或 10 字节的十六进制 / must be 4, 7 or 10 bytes of hex");
  return uid;
}

}  // namespace

const std::vector<std::string_view>& PointKinds() {
  static const std::vector<std::string_view> kinds = {
      "equipment", "pipeline", "electrical", "fire", "storage", "passage", "special_work", "other"};
  return kinds;
}

bool IsPointKind(std::string_view kind) {
  for (auto k : PointKinds()) {
    if (k == kind) return true;
  }
  return false;
}

std::optional<std::string> NormalizeNfcUid(std::string_view text) {
  std::string hex;
  for (char ch : text) {
    if (ch == ':' || ch == '-' || ch == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  if (hex.size() != 8 && hex.size() != 14 && hex.size() != 20) return std::nullopt;
  return hex;
}

void AppendJson(std::string& out, const Point& p) {
  out += "{\"id\":";
  AppendJsonInt(out, p.id);
  out += ",\"org_unit_id\":";
  AppendJsonInt(out, p.org_unit_id);
  out += ",\"area_id\":";
  AppendJson(out, p.area_id);
  out += ",\"area_name\":";
  AppendJson(out, p.area_name);
  out += ",\"code\":";
  AppendJsonString(out, p.code);
  out += ",\"name\":";
  AppendJsonString(out, p.name);
  out += ",\"kind\":";
  AppendJsonString(out, p.kind);
  out += ",\"description\":";
  AppendJsonString(out, p.description);
  out += ",\"x\":";
  AppendJson(out, p.x);
  out += ",\"y\":";
  AppendJson(out, p.y);
  out += ",\"responsible_user_id\":";
  AppendJson(out, p.responsible_user_id);
  out += ",\"responsible_name\":";
  AppendJson(out, p.responsible_name);
  out += ",\"nfc_uid\":";
  AppendJson(out, p.nfc_uid);
  out += ",\"latitude\":";
  AppendJson(out, p.latitude);
  out += ",\"longitude\":";
  AppendJson(out, p.longitude);
  out += ",\"radius_m\":";
  AppendJson(out, p.radius_m);
  out += p.active ? ",\"active\":true,\"version\":" : ",\"active\":false,\"version\":";
  AppendJsonInt(out, p.version);
  out += ",\"created_at\":";
  AppendJsonString(out, FormatRfc3339(p.created_at));
  out += ",\"updated_at\":";
  AppendJsonString(out, FormatRfc3339(p.updated_at));
  out += "}";
}

boost::json::object ToJson(const Point& p) {
  std::string text;
  AppendJson(text, p);
  return boost::json::parse(text).as_object();
}

PointInput ReadPointInput(Body& b) {
  PointInput in;
  in.org_unit_id = b.Int("org_unit_id", true).value_or(0);
  in.area_id = b.Int("area_id");
  in.code = b.Str("code", true, 64).value_or("");
  in.name = b.Str("name", true, 200).value_or("");
  in.kind = b.Str("kind", false, 32).value_or("other");
  in.description = b.Str("description", false, 2000).value_or("");
  in.x = b.Real("x");
  in.y = b.Real("y");
  in.responsible_user_id = b.Int("responsible_user_id");
  if (auto nfc = ReadNfcPatch(b)) in.nfc_uid = *nfc;
  in.latitude = b.Real("latitude");
  in.longitude = b.Real("longitude");
  in.radius_m = b.Real("radius_m");
  b.Done({"org_unit_id", "area_id", "code", "name", "kind", "description", "x", "y",
          "responsible_user_id", "nfc_uid", "latitude", "longitude", "radius_m"});
  return in;
}

PointPatch ReadPointPatch(Body& b) {
  PointPatch p;
  p.area_id = NullableInt(b, "area_id");
  p.code = b.Str("code", false, 64);
  p.name = b.Str("name", false, 200);
  p.kind = b.Str("kind", false, 32);
  p.description = b.Str("description", false, 2000);
  p.x = NullableReal(b, "x");
  p.y = NullableReal(b, "y");
  p.responsible_user_id = NullableInt(b, "responsible_user_id");
  p.nfc_uid = ReadNfcPatch(b);
  p.latitude = NullableReal(b, "latitude");
  p.longitude = NullableReal(b, "longitude");
  p.radius_m = NullableReal(b, "radius_m");
  p.active = b.Bool("active");
  p.version = b.Int("version");
  b.Done({"area_id", "code", "name", "kind", "description", "x", "y", "responsible_user_id",
          "nfc_uid", "latitude", "longitude", "radius_m", "active", "version"});
  return p;
}

}  // namespace anxun::org
