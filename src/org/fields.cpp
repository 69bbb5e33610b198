#include "org/fields.h"

#include <fmt/format.h>

namespace anxun::org {
namespace {

bool IsCodeChar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '.' || ch == '_' || ch == '-';
}

bool SentNull(const Body& b, std::string_view key) {
  const auto* v = b.Raw(key);
  return v && v->is_null();
}

}  // namespace

bool IsValidCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  if (code.front() == '.' || code.front() == '_' || code.front() == '-') return false;
  for (char ch : code) {
    if (!IsCodeChar(ch)) return false;
  }
  return true;
}

std::optional<std::optional<int64_t>> NullableInt(Body& b, std::string_view key) {
  if (!b.Has(key)) return std::nullopt;
  if (SentNull(b, key)) return std::optional<int64_t>{};
  return b.Int(key);
}

std::optional<std::optional<double>> NullableReal(Body& b, std::string_view key) {
  if (!b.Has(key)) return std::nullopt;
  if (SentNull(b, key)) return std::optional<double>{};
  return b.Real(key);
}

std::optional<std::optional<std::string>> NullableStr(Body& b, std::string_view key,
                                                      size_t max_len) {
  if (!b.Has(key)) return std::nullopt;
  if (SentNull(b, key)) return std::optional<std::string>{};
  return b.Str(key, false, max_len);
}

bool IsFraction(const std::optional<double>& v) {
  return !v || (*v >= 0.0 && *v <= 1.0);
}

boost::json::value OptReal(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

ApiError VersionConflict() {
  return Conflict(
      "version_conflict",
      "记录已被他人修改，请刷新后重试 / the record changed meanwhile; reload and retry");
}

ApiError DuplicateCode(std::string_view code) {
  return Conflict("duplicate_code",
                  fmt::format("编号 {} 已存在 / code {} already exists", code, code),
                  {{"field", "code"}});
}

}  // namespace anxun::org
