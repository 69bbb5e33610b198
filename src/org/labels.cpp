#include "org/labels.h"

#include "org/markup.h"
#include "org/qr.h"

#include <fmt/format.h>

#include <map>

namespace anxun::org {
namespace {

// A4 is 210 × 297 mm; 10 mm margins leave 190 × 277 mm: 3 × 5 labels of
// 63 × 55 mm fill it, and rows never split across pages.
constexpr const char* kHead = R"(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>巡检点标签 / Inspection point labels</title>
<style>
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    sans-serif; }
.hint { margin: 4mm 0; font-size: 10pt; color: #555; }
.sheet { display: grid; grid-template-columns: repeat(3, 63mm); grid-auto-rows: 55mm;
  width: 189mm; }
.label { display: flex; flex-direction: column; align-items: center;
  padding: 2mm 2.5mm; border: 0.2mm dashed #aaa; overflow: hidden;
  break-inside: avoid; page-break-inside: avoid; }
.label > div { max-width: 100%; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.plant { font-size: 9pt; font-weight: bold; }
.qr { width: 30mm; height: 30mm; margin: 1mm 0; }
.qr svg { display: block; width: 100%; height: 100%; }
.code { font-family: "DejaVu Sans Mono", "Consolas", monospace; font-size: 10pt;
  font-weight: bold; }
.name { font-size: 9pt; }
.area { font-size: 8pt; color: #333; }
@media print { .hint { display: none; } .label { border-color: #ccc; } }
</style>
</head>
<body>
<p class="hint">用浏览器打印（Ctrl+P）：纸张 A4，缩放 100%，边距“默认”。
Print with the browser: A4, scale 100%.</p>
<main class="sheet">
)";

constexpr const char* kTail = "</main>\n</body>\n</html>\n";

std::string PlaceLine(const Label& l) {
  std::string place = l.area_name;
  if (!l.unit_name.empty()) place = place.empty() ? l.unit_name : l.unit_name + " · " + place;
  return place;
}

std::string RenderLabel(const Label& l) {
  return fmt::format(
      "<section class=\"label\">\n"
      "<div class=\"plant\">{}</div>\n"
      "<div class=\"qr\">{}</div>\n"
      "<div class=\"code\">{}</div>\n"
      "<div class=\"name\">{}</div>\n"
      "<div class=\"area\">{}</div>\n"
      "</section>\n",
      EscapeXml(l.plant_name), QrSvg(EncodeQr(l.payload)), EscapeXml(l.code), EscapeXml(l.name),
      EscapeXml(PlaceLine(l)));
}

struct UnitNames {
  std::string plant;
  std::string unit;
};

UnitNames NamesOf(db::Conn& c, int64_t unit_id) {
  auto unit = FindOrgUnit(c, unit_id);
  if (!unit) return {};
  auto plant = FindAncestorOfKind(c, *unit, "plant");
  if (!plant) return {unit->name, ""};
  return {plant->name, plant->id == unit->id ? "" : unit->name};
}

}  // namespace

std::vector<Label> LabelsForPoints(db::Conn& c, std::string_view key,
                                   const std::vector<Point>& points) {
  std::map<int64_t, UnitNames> units;
  std::vector<Label> labels;
  for (const auto& p : points) {
    auto it = units.find(p.org_unit_id);
    if (it == units.end()) it = units.emplace(p.org_unit_id, NamesOf(c, p.org_unit_id)).first;
    labels.push_back(Label{SignPointCode(key, p.code), p.code, p.name, p.area_name.value_or(""),
                           it->second.plant, it->second.unit});
  }
  return labels;
}

std::string RenderLabelSheet(const std::vector<Label>& labels) {
  std::string html = kHead;
  for (const auto& l : labels)
    html += RenderLabel(l);
  html += kTail;
  return html;
}

}  // namespace anxun::org
