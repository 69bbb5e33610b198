#include "hazard/categories.h"

#include "common/error.h"

#include <regex>

namespace anxun::hazard {
namespace {

constexpr const char* kSelect =
    "SELECT code, name, name_en, sort_order, active FROM hazard_categories WHERE code = ?";

bool IsCategoryCode(const std::string& code) {
  static const std::regex pattern("[a-z][a-z0-9_]{1,31}");
  return std::regex_match(code, pattern);
}

void RequireEditor(db::Conn& c, const auth::AccessScope& scope) {
  if (!CanEditDictionary(c, scope)) {
    throw Forbidden("隐患类别由集团统一维护 / the category dictionary is kept at group level");
  }
}

}  // namespace

bool CanEditDictionary(db::Conn& c, const auth::AccessScope& scope) {
  if (scope.all) return true;
  for (const auto& r : c.Query("SELECT id FROM org_units WHERE parent_id IS NULL")) {
    if (scope.Contains(r.Int(0))) return true;
  }
  return false;
}

boost::json::object FindCategoryJson(db::Conn& c, const std::string& code) {
  auto r = c.QueryOne(kSelect, {code});
  if (!r) throw NotFound("category");
  return {{"code", r->Str(0)},
          {"name", r->Str(1)},
          {"name_en", r->Str(2)},
          {"sort_order", r->Int(3)},
          {"active", r->Bool(4)}};
}

boost::json::object CreateCategory(db::Conn& c, const auth::AccessScope& scope, Body& b) {
  RequireEditor(c, scope);
  auto code = b.Str("code", true, 32);
  auto name = b.Str("name", true, 100);
  auto name_en = b.Str("name_en", false, 100);
  auto sort_order = b.Int("sort_order");
  if (code && !IsCategoryCode(*code)) {
    b.Fail("code", "应为小写字母开头的字母、数字或下划线 / lower-case letters, digits, _");
  }
  b.Done({"code", "name", "name_en", "sort_order"});
  if (c.QueryOne(kSelect, {*code})) {
    throw Conflict("duplicate_code", "类别编码已存在 / the code exists", {{"field", "code"}});
  }
  c.Exec(
      "INSERT INTO hazard_categories (code, name, name_en, sort_order, active) "
      "VALUES (?, ?, ?, ?, 1)",
      {*code, *name, name_en.value_or(""), sort_order.value_or(1000)});
  return FindCategoryJson(c, *code);
}

std::pair<boost::json::object, boost::json::object> UpdateCategory(db::Conn& c,
                                                                   const auth::AccessScope& scope,
                                                                   const std::string& code,
                                                                   Body& b) {
  RequireEditor(c, scope);
  const auto before = FindCategoryJson(c, code);
  auto name = b.Str("name", false, 100);
  auto name_en = b.Str("name_en", false, 100);
  auto sort_order = b.Int("sort_order");
  auto active = b.Bool("active");
  if (name && name->empty()) b.Fail("name", "不能为空 / required");
  b.Done({"name", "name_en", "sort_order", "active"});
  c.Exec(
      "UPDATE hazard_categories SET name = ?, name_en = ?, sort_order = ?, active = ? "
      "WHERE code = ?",
      {name.value_or(std::string(before.at("name").as_string())),
       name_en.value_or(std::string(before.at("name_en").as_string())),
       sort_order.value_or(before.at("sort_order").as_int64()),
       int64_t{active.value_or(before.at("active").as_bool())}, code});
  return {before, FindCategoryJson(c, code)};
}

}  // namespace anxun::hazard
