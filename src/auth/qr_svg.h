// QR codes as SVG images, for the two-factor enrolment screen.
#pragma once

#include <string>
#include <string_view>

namespace anxun::auth {

// An SVG image of `text` as a QR code (libqrencode, 8-bit mode, error
// correction M, four modules of quiet zone), one path, scalable by the viewer.
// Throws std::runtime_error when libqrencode refuses the text (too long).
// Thread-safe.
std::string QrSvg(std::string_view text);

}  // namespace anxun::auth
