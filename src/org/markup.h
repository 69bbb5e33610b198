// Escaping for the HTML and SVG this module writes (labels, floor plans).
#pragma once

#include <string>
#include <string_view>

namespace anxun::org {

// Escapes & < > " ' so that `text` is safe inside element content and
// double- or single-quoted attribute values.
std::string EscapeXml(std::string_view text);

}  // namespace anxun::org
