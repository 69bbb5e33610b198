#include "org/multipart.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace anxun::org {
namespace {

constexpr size_t kMaxParts = 64;
constexpr size_t kMaxBoundary = 70;  // RFC 2046

using Params = std::vector<std::pair<std::string, std::string>>;

ApiError Malformed(std::string_view why) {
  return BadRequest("malformed_multipart",
                    "上传内容格式错误 / malformed multipart body: " + std::string(why));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Reads a quoted string starting after the opening quote; advances `s` past
// the closing quote.
std::string ReadQuoted(std::string_view& s) {
  std::string out;
  size_t i = 0;
  for (; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') ++i;
    out.push_back(s[i]);
  }
  s.remove_prefix(i < s.size() ? i + 1 : i);
  return out;
}

// "form-data; name=\"file\"; filename=\"a.jpg\"" -> ("form-data", {{name, file}, ...}).
std::pair<std::string, Params> SplitHeaderValue(std::string_view v) {
  const size_t semi = v.find(';');
  std::string main = Lower(Trim(v.substr(0, semi)));
  Params params;
  v = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
  while (!v.empty()) {
    v = Trim(v);
    const size_t eq = v.find('=');
    if (eq == std::string_view::npos) break;
    std::string key = Lower(Trim(v.substr(0, eq)));
    v.remove_prefix(eq + 1);
    v = Trim(v);
    std::string value;
    if (!v.empty() && v.front() == '"') {
      v.remove_prefix(1);
      value = ReadQuoted(v);
    } else {
      value = std::string(Trim(v.substr(0, v.find(';'))));
      v.remove_prefix(std::min(v.size(), v.find(';')));
    }
    params.emplace_back(std::move(key), std::move(value));
    const size_t next = v.find(';');
    v = next == std::string_view::npos ? std::string_view() : v.substr(next + 1);
  }
  return {std::move(main), std::move(params)};
}

std::optional<std::string> Param(const Params& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return std::nullopt;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    const int hi = i + 2 < s.size() ? HexDigit(s[i + 1]) : -1;
    const int lo = hi >= 0 ? HexDigit(s[i + 2]) : -1;
    if (lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// RFC 5987: charset'language'percent-encoded; only UTF-8 is accepted.
std::optional<std::string> DecodeExtValue(std::string_view v) {
  const size_t first = v.find('\'');
  const size_t second = first == std::string_view::npos ? first : v.find('\'', first + 1);
  if (second == std::string_view::npos || Lower(v.substr(0, first)) != "utf-8") return std::nullopt;
  return PercentDecode(v.substr(second + 1));
}

void ReadHeaders(std::string_view block, MultipartPart& part) {
  bool has_disposition = false;
  while (!block.empty()) {
    const size_t eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw Malformed("header line without ':'");

    const std::string name = Lower(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-type") {
      part.content_type = std::string(value);
    } else if (name == "content-disposition") {
      auto [type, params] = SplitHeaderValue(value);
      if (type != "form-data") throw Malformed("part is not form-data");
      part.name = Param(params, "name").value_or("");
      part.filename = Param(params, "filename");
      if (auto ext = Param(params, "filename*")) {
        if (auto decoded = DecodeExtValue(*ext)) part.filename = decoded;
      }
      has_disposition = true;
    }
  }
  if (!has_disposition || part.name.empty()) throw Malformed("part without a field name");
}

}  // namespace

std::optional<std::string> MultipartBoundary(std::string_view content_type) {
  auto [type, params] = SplitHeaderValue(content_type);
  if (type != "multipart/form-data") return std::nullopt;
  auto boundary = Param(params, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundary) return std::nullopt;
  return boundary;
}

std::vector<MultipartPart> ParseMultipart(std::string_view body, std::string_view boundary) {
  const std::string dash_boundary = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + dash_boundary;
  size_t pos = 0;
  if (body.starts_with(dash_boundary)) {
    pos = dash_boundary.size();
  } else {
    pos = body.find(delimiter);  // after a preamble
    if (pos == std::string_view::npos) throw Malformed("no boundary");
    pos += delimiter.size();
  }

  std::vector<MultipartPart> parts;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing boundary
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
      ++pos;
    if (body.substr(pos, 2) != "\r\n") throw Malformed("boundary line not ended by CRLF");
    pos += 2;
    if (parts.size() == kMaxParts) throw Malformed("too many parts");

    // An empty header block ends at once; otherwise at the blank line.
    const bool no_headers = body.substr(pos, 2) == "\r\n";
    const size_t headers_end = no_headers ? pos : body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) throw Malformed("unterminated part headers");
    MultipartPart part;
    ReadHeaders(body.substr(pos, headers_end - pos), part);
    const size_t data_start = headers_end + (no_headers ? 2 : 4);

    const size_t next = body.find(delimiter, data_start);
    if (next == std::string_view::npos) throw Malformed("missing closing boundary");
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(part));
    pos = next + delimiter.size();
  }
}

}  // namespace anxun::org
