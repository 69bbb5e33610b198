// The demo enterprise as data: 华东安泰化工集团 with a chemical plant, a
// machining plant and a logistics warehouse in two parks, their areas, about
// ninety inspection points and an account for every role. demo.cpp loads it.
#pragma once

#include <string_view>
#include <vector>

namespace anxun::demo {

struct DemoUnit {
  std::string_view code;
  std::string_view parent_code;  // "" for the root
  std::string_view kind;
  std::string_view name;
  double latitude = 0;   // centre of the unit's floor plan on the map (WGS-84);
  double longitude = 0;  // 0 for units without a plan of their own
};

struct DemoAccount {
  std::string_view username;
  std::string_view display_name;
  std::string_view phone;
  std::string_view unit_code;
  std::string_view role;  // a built-in role code
};

struct DemoPoint {
  std::string_view name;
  std::string_view kind;
};

struct DemoArea {
  std::string_view unit_code;
  std::string_view code;
  std::string_view name;
  std::string_view description;
  std::string_view risk_level;  // red | orange | yellow | blue
  double x;                     // centre on the unit's floor plan
  double y;
  std::string_view responsible;  // username of the points' responsible person
  std::vector<DemoPoint> points;
};

// In creation order: parents before children.
const std::vector<DemoUnit>& DemoUnits();
const std::vector<DemoAccount>& DemoAccounts();
const std::vector<DemoArea>& DemoAreas();

}  // namespace anxun::demo
