#include "org/files.h"

#include "common/clock.h"
#include "common/json.h"

namespace anxun::org {
namespace {

constexpr const char* kSelectFile =
    "SELECT id, sha256, content_type, size, original_name, width, height, org_unit_id, "
    "created_by, created_at FROM files WHERE id = ?";

constexpr const char* kInsertFile =
    "INSERT INTO files (sha256, content_type, size, original_name, width, height, org_unit_id, "
    "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kUnitsUsingAsPlan = "SELECT id FROM org_units WHERE floor_plan_file_id = ?";

}  // namespace

bool IsSafeFileName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos ||
      name.find("..") != std::string_view::npos) {
    return false;
  }
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F) return false;
  }
  return true;
}

StoredFile RecordFile(db::Conn& c, StoredFile f) {
  f.created_at = NowMs();
  f.id = c.Insert(kInsertFile,
                  {f.sha256, f.content_type, f.size, f.original_name, db::Opt(f.width),
                   db::Opt(f.height), db::Opt(f.org_unit_id), db::Opt(f.created_by), f.created_at});
  return f;
}

std::optional<StoredFile> FindFile(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(kSelectFile, {id});
  if (!row) return std::nullopt;
  StoredFile f;
  f.id = row->Int(0);
  f.sha256 = row->Str(1);
  f.content_type = row->Str(2);
  f.size = row->Int(3);
  f.original_name = row->Str(4);
  f.width = row->OptInt(5);
  f.height = row->OptInt(6);
  f.org_unit_id = row->OptInt(7);
  f.created_by = row->OptInt(8);
  f.created_at = row->Int(9);
  return f;
}

std::vector<FileReferenceCheck>& ReferenceChecks() {
  static std::vector<FileReferenceCheck> checks;
  return checks;
}

void RegisterFileReferenceCheck(FileReferenceCheck check) {
  ReferenceChecks().push_back(std::move(check));
}

bool CanReadFile(db::Conn& c, const auth::Principal& who, const StoredFile& f) {
  if (f.created_by && *f.created_by == who.user_id) return true;
  for (const auto& check : ReferenceChecks()) {
    if (check(c, who, f.id)) return true;
  }
  auto grant = who.grants.find("org.view");
  if (grant == who.grants.end()) return false;
  const auth::AccessScope& scope = grant->second;

  if (f.org_unit_id && scope.Contains(*f.org_unit_id)) return true;
  for (const auto& row : c.Query(kUnitsUsingAsPlan, {f.id})) {
    if (scope.Contains(row.Int(0))) return true;
  }
  return false;
}

boost::json::object ToJson(const StoredFile& f) {
  boost::json::object o;
  o["id"] = f.id;
  o["sha256"] = f.sha256;
  o["content_type"] = f.content_type;
  o["size"] = f.size;
  o["width"] = OptJson(f.width);
  o["height"] = OptJson(f.height);
  o["original_name"] = f.original_name;
  o["created_at"] = FormatRfc3339(f.created_at);
  return o;
}

}  // namespace anxun::org
