#include "org/floor_plan.h"

#include "org/markup.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace anxun::org {
namespace {

// The site: a fence inside the canvas, one east-west road and two
// north-south roads; free cells between them hold buildings.
constexpr int kSiteLeft = 50, kSiteTop = 100, kSiteRight = 1550, kSiteBottom = 950;
constexpr int kRoadY = 500, kRoadX1 = 576, kRoadX2 = 1120, kRoadWidth = 44;

// Where child units go when a unit has no areas: the six free cells.
constexpr double kCells[][2] = {{0.18, 0.28}, {0.53, 0.28}, {0.86, 0.28},
                                {0.18, 0.75}, {0.53, 0.75}, {0.86, 0.75}};

struct Palette {
  const char* fill;
  const char* stroke;
};

Palette RiskPalette(const std::optional<std::string>& level) {
  if (level == "red") return {"#fde2e1", "#d93025"};
  if (level == "orange") return {"#fdebd3", "#e8710a"};
  if (level == "yellow") return {"#fff5c2", "#c99a06"};
  if (level == "blue") return {"#e1edff", "#1a73e8"};
  return {"#eceff3", "#5f6b7a"};
}

bool NameHas(const std::string& name, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return name.find(w) != std::string::npos; });
}

std::string Header(const std::string& title) {
  std::string s = fmt::format(
      R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" )svg"
      R"svg(font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif">)svg"
      "\n<rect width=\"100%\" height=\"100%\" fill=\"#f7f8fa\"/>\n"
      R"svg(<text x="{}" y="62" font-size="34" font-weight="bold" fill="#1f2d3d">{} · )svg"
      R"svg(平面示意图</text>)svg"
      "\n",
      kPlanWidth, kPlanHeight, kSiteLeft, EscapeXml(title));
  // North arrow.
  s +=
      R"svg(<g transform="translate(1510 50)"><path d="M0 -30 L12 10 L0 2 L-12 10 Z" )svg"
      R"svg(fill="#1f2d3d"/>)svg"
      R"svg(<text x="0" y="34" font-size="20" text-anchor="middle" fill="#1f2d3d">北</text></g>)svg"
      "\n";
  return s;
}

std::string Legend() {
  std::string s = R"svg(<g font-size="18" fill="#1f2d3d">)svg";
  const std::pair<const char*, const char*> items[] = {
      {"red", "重大风险"}, {"orange", "较大风险"}, {"yellow", "一般风险"}, {"blue", "低风险"}};
  int x = 980;
  for (const auto& [level, text] : items) {
    const Palette p = RiskPalette(std::string(level));
    s += fmt::format(R"svg(<rect x="{}" y="44" width="22" height="22" fill="{}" stroke="{}" )svg"
                     R"svg(stroke-width="2"/>)svg"
                     R"svg(<text x="{}" y="62">{}</text>)svg",
                     x, p.fill, p.stroke, x + 30, text);
    x += 120;
  }
  return s + "</g>\n";
}

std::string Site() {
  std::string s = fmt::format(
      R"svg(<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#8a96a3" )svg"
      R"svg(stroke-width="4" stroke-dasharray="18 8"/>)svg"
      "\n",
      kSiteLeft, kSiteTop, kSiteRight - kSiteLeft, kSiteBottom - kSiteTop);
  const int half = kRoadWidth / 2;
  s += R"svg(<g fill="#d5dae0">)svg";
  s += fmt::format(R"svg(<rect x="{}" y="{}" width="{}" height="{}"/>)svg", kSiteLeft,
                   kRoadY - half, kSiteRight - kSiteLeft, kRoadWidth);
  for (int x : {kRoadX1, kRoadX2}) {
    s += fmt::format(R"svg(<rect x="{}" y="{}" width="{}" height="{}"/>)svg", x - half, kSiteTop,
                     kRoadWidth, kSiteBottom - kSiteTop);
  }
  s += "</g>\n";
  s += fmt::format(
      R"svg(<g stroke="#ffffff" stroke-width="3" stroke-dasharray="20 16">)svg"
      R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)svg"
      R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}"/><line x1="{}" y1="{}" x2="{}" y2="{}"/></g>)svg"
      "\n",
      kSiteLeft, kRoadY, kSiteRight, kRoadY, kRoadX1, kSiteTop, kRoadX1, kSiteBottom, kRoadX2,
      kSiteTop, kRoadX2, kSiteBottom);
  s += fmt::format(R"svg(<text x="{}" y="{}" font-size="20" fill="#5f6b7a">大门 ▶</text>)svg"
                   "\n",
                   kSiteLeft + 8, kRoadY - half - 8);
  return s;
}

// Shapes inside a block's rectangle, chosen from the area's name.
std::string Decoration(const PlanArea& a, int x, int y, int w, int h, const Palette& p) {
  std::string s;
  if (NameHas(a.name, {"罐"})) {
    for (int row = 0; row < 2; ++row) {
      for (int col = 0; col < 3; ++col) {
        s += fmt::format(
            R"svg(<circle cx="{}" cy="{}" r="24" fill="#ffffff" stroke="{}" stroke-width="3"/>)svg",
            x + w * (col + 1) / 4, y + 40 + row * 58, p.stroke);
      }
    }
  } else if (NameHas(a.name, {"仓库", "库房", "货架", "危化品"})) {
    for (int i = 1; i <= 4; ++i) {
      s += fmt::format(
          R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3"/>)svg", x + 16,
          y + i * 24, x + w - 16, y + i * 24, p.stroke);
    }
  } else if (NameHas(a.name, {"配电", "变电", "电房"})) {
    s += fmt::format(
        R"svg(<path d="M{0} {1} l-22 40 h20 l-14 36 l40 -50 h-20 l14 -26 z" fill="{2}"/>)svg",
        x + w / 2 + 6, y + 14, p.stroke);
  } else if (NameHas(a.name, {"月台", "装卸"})) {
    for (int i = 0; i < 5; ++i) {
      s += fmt::format(R"svg(<rect x="{}" y="{}" width="30" height="14" fill="{}"/>)svg",
                       x + 16 + i * (w - 62) / 4, y + h - 14, p.stroke);
    }
  } else if (NameHas(a.name, {"反应", "装置"})) {
    s += fmt::format(
        R"svg(<rect x="{}" y="{}" width="{}" height="60" rx="30" fill="#ffffff" stroke="{}" )svg"
        R"svg(stroke-width="3"/>)svg",
        x + 30, y + 24, w - 60, p.stroke);
  }
  return s;
}

std::string Block(const PlanArea& a, int cx, int cy, int w, int h) {
  const Palette p = RiskPalette(a.risk_level);
  const int x = std::clamp(cx - w / 2, kSiteLeft + 6, kSiteRight - 6 - w);
  const int y = std::clamp(cy - h / 2, kSiteTop + 6, kSiteBottom - 6 - h - 50);
  std::string s = fmt::format(
      R"svg(<g><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}" )svg"
      R"svg(stroke-width="3"/>)svg",
      x, y, w, h, p.fill, p.stroke);
  s += Decoration(a, x, y, w, h, p);
  s += fmt::format(
      R"svg(<text x="{}" y="{}" font-size="26" font-weight="bold" text-anchor="middle" )svg"
      R"svg(fill="#1f2d3d">{}</text>)svg",
      x + w / 2, y + h + 30, EscapeXml(a.name));
  if (!a.code.empty()) {
    s += fmt::format(
        R"svg(<text x="{}" y="{}" font-size="17" text-anchor="middle" fill="#5f6b7a">{}</text>)svg",
        x + w / 2, y + h + 50, EscapeXml(a.code));
  }
  return s + "</g>\n";
}

int Px(double fraction, int extent) {
  return static_cast<int>(std::lround(fraction * extent));
}

std::vector<PlanArea> ChildrenAsAreas(const std::vector<std::string>& names) {
  std::vector<PlanArea> out;
  const size_t n = names.size();
  const size_t cols =
      n <= 6 ? 3 : static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  for (size_t i = 0; i < n; ++i) {
    PlanArea a;
    a.name = names[i];
    if (n <= 6) {
      a.x = kCells[i][0];
      a.y = kCells[i][1];
    } else {
      const size_t rows = (n + cols - 1) / cols;
      a.x = (static_cast<double>(i % cols) + 0.5) / static_cast<double>(cols);
      a.y = 0.15 + 0.7 * (static_cast<double>(i / cols) + 0.5) / static_cast<double>(rows);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::string RenderFloorPlan(const PlanInput& in) {
  std::string svg = Header(in.title) + Legend() + Site();
  const std::vector<PlanArea> areas = in.areas.empty() ? ChildrenAsAreas(in.child_units) : in.areas;

  int unplaced = 0;
  for (const auto& a : areas) {
    if (a.x && a.y) {
      svg += Block(a, Px(*a.x, kPlanWidth), Px(*a.y, kPlanHeight), 260, 150);
    } else {
      svg += Block(a, 170 + 230 * unplaced++, 860, 200, 60);
    }
  }
  if (areas.empty()) {
    svg += fmt::format(
        R"svg(<text x="{}" y="{}" font-size="30" text-anchor="middle" fill="#8a96a3">)svg"
        "尚无区域，可上传平面图 / no areas yet — upload a floor plan</text>\n",
        kPlanWidth / 2, kRoadY - 60);
  }
  return svg + "</svg>\n";
}

}  // namespace anxun::org
