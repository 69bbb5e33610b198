#include "org/json_text.h"

#include <charconv>

namespace anxun::org {

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t clean = 0;  // start of the run that needs no escaping
  for (size_t i = 0; i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    out.append(text.substr(clean, i - clean));
    if (ch == '"' || ch == '\\') {
      out += {'\\', static_cast<char>(ch)};
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else {
      out += {'\\', 'u', '0', '0', kHex[ch >> 4], kHex[ch & 15]};
    }
    clean = i + 1;
  }
  out.append(text.substr(clean));
  out.push_back('"');
}

void AppendJsonInt(std::string& out, int64_t v) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, end);
}

void AppendJsonReal(std::string& out, double v) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, end);
}

void AppendJson(std::string& out, const std::optional<std::string>& v) {
  if (v)
    AppendJsonString(out, *v);
  else
    out += "null";
}

void AppendJson(std::string& out, const std::optional<int64_t>& v) {
  if (v)
    AppendJsonInt(out, *v);
  else
    out += "null";
}

void AppendJson(std::string& out, const std::optional<double>& v) {
  if (v)
    AppendJsonReal(out, *v);
  else
    out += "null";
}

}  // namespace anxun::org
