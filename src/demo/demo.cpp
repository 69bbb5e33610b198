#include "demo/demo.h"
#include "demo/demo_alerts.h"
#include "demo/demo_hazards.h"

#include "audit/audit.h"
#include "auth/password.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "demo/demo_data.h"
#include "org/areas.h"
#include "org/org_units.h"
#include "org/points.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <map>
#include <stdexcept>

namespace anxun::demo {
namespace {

// A floor plan spans about 600 m × 450 m around its unit's map position.
constexpr double kLonPerPlan = 0.0064;
constexpr double kLatPerPlan = 0.004;
constexpr double kCheckInRadiusM = 30;

constexpr const char* kInsertUser =
    "INSERT INTO users (username, display_name, phone, org_unit_id, password_hash, "
    "password_changed_at, must_change_password, password_exempt, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?) RETURNING id";
constexpr const char* kInsertUserRole = "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)";

struct Loaded {
  std::map<std::string_view, org::OrgUnit> units;  // by code
  std::map<std::string_view, int64_t> users;       // by username
  std::map<std::string_view, const DemoUnit*> sites;
  int64_t areas = 0;
  int64_t points = 0;
};

auth::AccessScope Everything() {
  auth::AccessScope s;
  s.all = true;
  return s;
}

void RefuseUnlessEmpty(db::Conn& c) {
  if (c.QueryInt("SELECT COUNT(*) FROM org_units").value_or(0) > 0) {
    throw std::runtime_error(
        "demo: the database already holds org units; the demo loads only into an empty database");
  }
}

std::map<std::string_view, int64_t> RoleIds(db::Conn& c) {
  std::map<std::string_view, int64_t> ids;
  for (const auto& a : DemoAccounts()) {
    auto id = c.QueryInt("SELECT id FROM roles WHERE code = ?", {std::string(a.role)});
    if (!id) throw std::runtime_error(fmt::format("demo: role {} is not seeded", a.role));
    ids[a.role] = *id;
  }
  return ids;
}

void CreateUnits(db::Conn& c, Loaded& l) {
  const auth::AccessScope everything = Everything();
  for (const auto& u : DemoUnits()) {
    org::OrgUnitInput in;
    if (!u.parent_code.empty()) in.parent_id = l.units.at(u.parent_code).id;
    in.kind = u.kind;
    in.code = u.code;
    in.name = u.name;
    l.units.emplace(u.code, org::CreateOrgUnit(c, everything, in));
    l.sites.emplace(u.code, &u);
  }
}

void CreateUsers(db::Conn& c, Loaded& l, const std::vector<std::string>& hashes) {
  const auto roles = RoleIds(c);
  const int64_t now = NowMs();
  for (size_t i = 0; i < DemoAccounts().size(); ++i) {
    const DemoAccount& a = DemoAccounts()[i];
    const int64_t id = c.Insert(
        kInsertUser, {std::string(a.username), std::string(a.display_name), std::string(a.phone),
                      l.units.at(a.unit_code).id, hashes[i], now, now, now});
    c.Exec(kInsertUserRole, {id, roles.at(a.role)});
    l.users.emplace(a.username, id);
  }
}

// `v` to `digits` decimals, so that stored positions read cleanly.
double Rounded(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

// Spreads an area's points over a grid of four columns inside its building.
std::pair<double, double> PointPosition(const DemoArea& a, size_t i) {
  const size_t rows = (a.points.size() + 3) / 4;
  const double dx = (static_cast<double>(i % 4) - 1.5) * 0.045;
  const double dy = (static_cast<double>(i / 4) - (static_cast<double>(rows) - 1) / 2) * 0.045;
  return {Rounded(a.x + dx, 4), Rounded(a.y + dy, 4)};
}

// A 7-byte NTAG-style UID ("04" + 6 bytes) derived from the point code.
std::string NfcUid(std::string_view code) {
  std::string hex = HexEncode(Sha256(code).substr(0, 6));
  for (auto& ch : hex)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return "04" + hex;
}

org::PointInput PointInput(const Loaded& l, const DemoArea& a, int64_t area_id, size_t i) {
  const DemoUnit& site = *l.sites.at(a.unit_code);
  const auto [x, y] = PointPosition(a, i);
  org::PointInput p;
  p.org_unit_id = l.units.at(a.unit_code).id;
  p.area_id = area_id;
  p.code = fmt::format("{}-{}-{:02}", a.unit_code, a.code, i + 1);
  p.name = a.points[i].name;
  p.kind = a.points[i].kind;
  p.x = x;
  p.y = y;
  p.responsible_user_id = l.users.at(a.responsible);
  p.nfc_uid = NfcUid(p.code);
  if (site.latitude != 0) {
    p.latitude = Rounded(site.latitude + (0.5 - y) * kLatPerPlan, 6);
    p.longitude = Rounded(site.longitude + (x - 0.5) * kLonPerPlan, 6);
    p.radius_m = kCheckInRadiusM;
  }
  return p;
}

void CreateAreasAndPoints(db::Conn& c, Loaded& l) {
  const auth::AccessScope everything = Everything();
  for (const auto& a : DemoAreas()) {
    org::AreaInput in;
    in.org_unit_id = l.units.at(a.unit_code).id;
    in.code = a.code;
    in.name = a.name;
    in.description = a.description;
    in.x = a.x;
    in.y = a.y;
    in.risk_level = std::string(a.risk_level);
    const org::Area area = org::CreateArea(c, everything, in);
    ++l.areas;

    for (size_t i = 0; i < a.points.size(); ++i) {
      org::CreatePoint(c, everything, PointInput(l, a, area.id, i));
      ++l.points;
    }
  }
}

}  // namespace

void LoadDemo(db::Database& db, const std::string& password) {
  db.Read([](db::Conn& c) {  // refuse before spending a second and a half on hashing
    RefuseUnlessEmpty(c);
    RoleIds(c);
  });
  std::vector<std::string> hashes;
  for (size_t i = 0; i < DemoAccounts().size(); ++i)
    hashes.push_back(auth::HashPassword(password));

  const Loaded loaded = db.Write([&](db::Conn& c) {
    RefuseUnlessEmpty(c);
    Loaded l;
    CreateUnits(c, l);
    CreateUsers(c, l, hashes);
    CreateAreasAndPoints(c, l);
    LoadDemoHazards(c);
    LoadDemoAlerts(c);

    boost::json::object summary{{"org_units", static_cast<int64_t>(l.units.size())},
                                {"users", static_cast<int64_t>(l.users.size())},
                                {"areas", l.areas},
                                {"points", l.points}};
    const int64_t root = l.units.at(DemoUnits().front().code).id;
    audit::Append(c, audit::Actor{std::nullopt, "system", "", ""},
                  {"demo.load", "org_unit", std::to_string(root), nullptr, summary});
    return l;
  });
  spdlog::info("demo: loaded {} org units, {} areas, {} points, {} accounts", loaded.units.size(),
               loaded.areas, loaded.points, loaded.users.size());
}

}  // namespace anxun::demo
