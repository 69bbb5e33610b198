// Printable QR labels for inspection points: an A4 HTML sheet.
//
// The sheet is one self-contained page (inline SVG and an inline <style>, no
// script, so it runs under the server's CSP) laid out as 3 × 5 labels of
// 63 × 55 mm; the browser's own print dialog prints it.
#pragma once

#include "db/db.h"
#include "org/points.h"

#include <string>
#include <string_view>
#include <vector>

namespace anxun::org {

constexpr size_t kMaxLabelsPerRequest = 200;

struct Label {
  std::string payload;  // the signed QR text
  std::string code;
  std::string name;
  std::string area_name;   // may be empty
  std::string plant_name;  // the plant (or nearest named unit) the point belongs to
  std::string unit_name;   // the point's own unit when it is below the plant, else empty
};

// One label per point, payloads signed with `key`; the plant is the point's
// nearest unit of kind plant (or the point's own unit when there is none).
std::vector<Label> LabelsForPoints(db::Conn& c, std::string_view key,
                                   const std::vector<Point>& points);

// The whole HTML document. Every text is escaped.
std::string RenderLabelSheet(const std::vector<Label>& labels);

}  // namespace anxun::org
