// HTTP routes for attachments: upload (multipart, type judged from the bytes)
// and download (only for someone who may read a record that refers to the
// file; anyone else gets 404).
#include "api/app.h"
#include "api/context.h"
#include "api/routes.h"
#include "audit/audit.h"
#include "common/error.h"
#include "org/file_store.h"
#include "org/file_type.h"
#include "org/files.h"
#include "org/multipart.h"

#include <spdlog/spdlog.h>

#include <cctype>

namespace anxun::api {
namespace {

using http::Response;

const org::MultipartPart& FilePart(const std::vector<org::MultipartPart>& parts) {
  for (const auto& p : parts) {
    if (p.name == "file" && p.filename && !p.filename->empty()) return p;
  }
  throw BadRequest("missing_file", "请选择要上传的文件（字段 file）/ no file in field `file`");
}

Response Upload(Context& ctx) {
  const auth::Principal& user = ctx.user();
  user.Require("file.upload");
  auto boundary = org::MultipartBoundary(ctx.req.Header("content-type"));
  if (!boundary) {
    throw BadRequest("malformed_multipart",
                     "应为 multipart/form-data 上传 / expected a multipart/form-data body");
  }
  const auto parts = org::ParseMultipart(ctx.req.body, *boundary);
  const org::MultipartPart& part = FilePart(parts);
  if (!org::IsSafeFileName(*part.filename)) {
    throw BadRequest("invalid_file_name",
                     "文件名不能包含路径 / the file name may not contain a path");
  }
  const org::FileType type = org::CheckUpload(part.data);

  org::StoredFile f;
  f.sha256 = org::FileStore(ctx.app.data_dir).Put(part.data);  // durable before we answer
  f.content_type = type.content_type;
  f.size = static_cast<int64_t>(part.data.size());
  f.original_name = *part.filename;
  if (type.size) {
    f.width = type.size->width;
    f.height = type.size->height;
  }
  f.org_unit_id = user.org_unit_id;
  f.created_by = user.user_id;

  f = ctx.app.db->Write([&](db::Conn& c) {
    org::StoredFile stored = org::RecordFile(c, f);
    audit::Append(c, ctx.actor(),
                  {"file.upload", "file", std::to_string(stored.id), nullptr, org::ToJson(stored)});
    return stored;
  });
  return Response::Json(org::ToJson(f), 201);
}

// RFC 5987 encoding of a UTF-8 file name for Content-Disposition.
std::string EncodeFileName(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += {'%', kHex[ch >> 4], kHex[ch & 15]};
    }
  }
  return out;
}

Response Download(Context& ctx) {
  const auth::Principal& user = ctx.user();
  const int64_t id = ctx.req.IdParam();
  auto file = ctx.app.db->Read([&](db::Conn& c) -> std::optional<org::StoredFile> {
    auto f = org::FindFile(c, id);
    if (!f || !org::CanReadFile(c, user, *f)) return std::nullopt;
    return f;
  });
  if (!file) throw NotFound("file");

  auto bytes = org::FileStore(ctx.app.data_dir).Read(file->sha256);
  if (!bytes) {
    spdlog::error("file {}: bytes missing from the store (sha256={}) [{}]", id, file->sha256,
                  ctx.req.request_id);
    throw NotFound("file");
  }
  Response r = Response::Bytes(std::move(*bytes), file->content_type);
  r.SetHeader("Content-Disposition",
              "inline; filename*=UTF-8''" + EncodeFileName(file->original_name));
  r.SetHeader("Cache-Control", "private, max-age=86400");
  return r;
}

}  // namespace

void RegisterFileRoutes(http::Router& r) {
  r.Add("POST", "/api/v1/files", Upload, "Upload a file (multipart field `file`)", "files").upload =
      true;
  r.Add("GET", "/api/v1/files/{id}", Download, "Download a file", "files");
}

}  // namespace anxun::api
