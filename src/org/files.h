// File records: what was uploaded, by whom, for which org unit — and who may
// download it. The bytes live in the FileStore (file_store.h).
#pragma once

#include "auth/principal.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace anxun::org {

struct StoredFile {
  int64_t id = 0;
  std::string sha256;
  std::string content_type;
  int64_t size = 0;
  std::string original_name;
  std::optional<int64_t> width;
  std::optional<int64_t> height;
  std::optional<int64_t> org_unit_id;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
};

// A client's file name is kept for display and downloads only: at most 255
// bytes, no '/', '\\', "..", or control characters.
bool IsSafeFileName(std::string_view name);

// Inserts the record (id and created_at are set here) and returns it.
// REQUIRES: inside Database::Write.
StoredFile RecordFile(db::Conn& c, StoredFile f);

std::optional<StoredFile> FindFile(db::Conn& c, int64_t id);

// Lets a module that attaches files to its records (hazards, tasks, ...)
// grant reading them to whoever may read such a record. `check` answers
// whether `who` may read a record of the module referring to `file_id`.
// Register at start, before serving; not thread-safe against CanReadFile.
using FileReferenceCheck =
    std::function<bool(db::Conn& c, const auth::Principal& who, int64_t file_id)>;
void RegisterFileReferenceCheck(FileReferenceCheck check);

// Whether `who` may download `f`: the uploader; anyone a registered module's
// check admits (e.g. whoever may read a hazard the file is attached to);
// anyone whose org.view scope holds the file's unit; anyone whose org.view
// scope holds a unit that uses the file as its floor plan.
bool CanReadFile(db::Conn& c, const auth::Principal& who, const StoredFile& f);

// {id, sha256, content_type, size, width, height, original_name, created_at}.
boost::json::object ToJson(const StoredFile& f);

}  // namespace anxun::org
