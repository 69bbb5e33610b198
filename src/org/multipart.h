// multipart/form-data (RFC 7578) as browsers send it for uploads.
//
// The parser works on the whole body already in memory (the server caps its
// size) and returns views into it, so a 200 MiB video is not copied.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::org {

struct MultipartPart {
  std::string name;                     // the form field
  std::optional<std::string> filename;  // present for file fields (may be "")
  std::string content_type;             // as sent; "" when the part has none
  std::string_view data;                // the part's bytes, a view into the body
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted
// or not); nullopt for another type or a missing or over-long boundary.
std::optional<std::string> MultipartBoundary(std::string_view content_type);

// Splits `body` into its parts. Lines end in CRLF; a preamble before the first
// boundary and an epilogue after the last are ignored. `filename*` (RFC 5987,
// UTF-8) wins over `filename`; inside a quoted value only \" is an escape,
// other backslashes are kept (browsers do not escape them). Throws 400
// `malformed_multipart` when the body does not follow the format, lacks the
// closing boundary, or has more than 64 parts.
std::vector<MultipartPart> ParseMultipart(std::string_view body, std::string_view boundary);

}  // namespace anxun::org
