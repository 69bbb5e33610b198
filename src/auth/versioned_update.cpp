#include "auth/versioned_update.h"

#include "common/error.h"

namespace anxun::auth {

VersionedUpdate::VersionedUpdate(std::string_view table, int64_t now_ms)
    : sql_("UPDATE " + std::string(table) + " SET version = version + 1, updated_at = ?"),
      params_{now_ms} {}

void VersionedUpdate::Set(std::string_view column, db::Value value) {
  sql_ += ", " + std::string(column) + " = ?";
  params_.push_back(std::move(value));
}

void VersionedUpdate::Run(db::Conn& c, int64_t id, std::optional<int64_t> version) {
  std::string sql = sql_ + " WHERE id = ?";
  db::Params params = params_;
  params.emplace_back(id);
  if (version) {
    sql += " AND version = ?";
    params.emplace_back(*version);
  }
  if (c.Exec(sql, params) == 0) {
    throw Conflict("version_conflict",
                   "记录已被他人修改，请刷新 / changed by someone else, reload");
  }
}

}  // namespace anxun::auth
