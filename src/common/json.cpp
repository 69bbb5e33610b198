#include "common/json.h"

#include "common/clock.h"

#include <cmath>

namespace anxun {
namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

boost::json::object ParseJsonObject(std::string_view body) {
  if (!ValidUtf8(body)) {
    throw BadRequest("invalid_utf8", "请求内容不是有效的 UTF-8 / body is not valid UTF-8");
  }
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 32;
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) {
    throw BadRequest("malformed_json", "请求内容不是有效的 JSON / malformed JSON",
                     {{"reason", ec.message()}});
  }
  if (!v.is_object()) {
    throw BadRequest("malformed_json", "请求内容应为 JSON 对象 / body must be a JSON object");
  }
  return std::move(v.as_object());
}

bool Body::Has(std::string_view key) const {
  return obj_.contains(key);
}

const boost::json::value* Body::Raw(std::string_view key) const {
  return obj_.if_contains(key);
}

std::optional<std::string> Body::Str(std::string_view key, bool required, size_t max_len) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    errors_.Add(key, "应为字符串 / must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (required && s.empty()) {
    errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    errors_.Add(key, "太长 / too long");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> Body::Int(std::string_view key, bool required) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX) return static_cast<int64_t>(v->as_uint64());
  errors_.Add(key, "应为整数 / must be an integer");
  return std::nullopt;
}

std::optional<double> Body::Real(std::string_view key, bool required) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (v->is_number()) {
    const double d = v->to_number<double>();
    if (std::isfinite(d)) return d;
  }
  errors_.Add(key, "应为数字 / must be a number");
  return std::nullopt;
}

std::optional<bool> Body::Bool(std::string_view key, bool required) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (v->is_bool()) return v->as_bool();
  errors_.Add(key, "应为布尔值 / must be true or false");
  return std::nullopt;
}

std::optional<std::vector<int64_t>> Body::IntList(std::string_view key, bool required) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (!v->is_array()) {
    errors_.Add(key, "应为整数数组 / must be an array of integers");
    return std::nullopt;
  }
  std::vector<int64_t> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_int64()) {
      errors_.Add(key, "应为整数数组 / must be an array of integers");
      return std::nullopt;
    }
    out.push_back(e.as_int64());
  }
  return out;
}

std::optional<std::vector<std::string>> Body::StrList(std::string_view key, bool required) {
  const auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) errors_.Add(key, "不能为空 / required");
    return std::nullopt;
  }
  if (!v->is_array()) {
    errors_.Add(key, "应为字符串数组 / must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) {
      errors_.Add(key, "应为字符串数组 / must be an array of strings");
      return std::nullopt;
    }
    out.emplace_back(e.as_string());
  }
  return out;
}

std::optional<int64_t> Body::Time(std::string_view key, bool required) {
  auto s = Str(key, required, 64);
  if (!s) return std::nullopt;
  auto ms = ParseRfc3339(*s);
  if (!ms) errors_.Add(key, "应为 RFC 3339 时间 / must be an RFC 3339 time");
  return ms;
}

void Body::Done(std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : obj_) {
    bool known = false;
    for (auto a : allowed)
      known = known || kv.key() == a;
    if (!known) errors_.Add(kv.key(), "未知字段 / unknown field");
  }
  errors_.ThrowIfAny();
}

void Body::Done() {
  errors_.ThrowIfAny();
}

std::string JsonString(const boost::json::value& v) {
  return boost::json::serialize(v);
}

boost::json::value OptJson(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value OptJson(const std::optional<int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value OptTimeJson(const std::optional<int64_t>& ms) {
  return ms ? boost::json::value(FormatRfc3339(*ms)) : boost::json::value(nullptr);
}

}  // namespace anxun
