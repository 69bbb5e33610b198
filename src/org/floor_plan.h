// Drawn floor plans for org units that have no uploaded image.
//
// The plan is schematic: a fenced site with roads, each positioned area drawn
// at its (x, y) as a building (or a tank farm, a warehouse with racking)
// tinted by its risk colour and labelled in Chinese; areas without a position
// line up along the bottom. A unit without areas shows its child units as
// buildings. The coordinate system is the one areas and points use: x, y are
// fractions of a 1600 × 1000 viewBox, y from the top.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace anxun::org {

constexpr int kPlanWidth = 1600;
constexpr int kPlanHeight = 1000;

struct PlanArea {
  std::string code;
  std::string name;
  std::optional<double> x;
  std::optional<double> y;
  std::optional<std::string> risk_level;
};

struct PlanInput {
  std::string title;  // the unit's name
  std::vector<PlanArea> areas;
  std::vector<std::string> child_units;  // names, used when there are no areas
};

// The SVG document (UTF-8). Every text is escaped.
std::string RenderFloorPlan(const PlanInput& in);

}  // namespace anxun::org
