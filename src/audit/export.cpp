#include "audit/export.h"

#include "common/clock.h"

#include <array>
#include <string_view>

namespace anxun::audit {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::array<std::string_view, 13> kHeader = {
    "序号 Seq",      "时间 Time",    "操作人ID Actor ID",    "操作人 Actor",
    "IP地址 IP",     "操作 Action",  "对象类型 Object type", "对象ID Object ID",
    "变更前 Before", "变更后 After", "请求ID Request ID",    "前一哈希 Prev hash",
    "哈希 Hash"};

// One CSV cell, quoted when needed; text that a spreadsheet would take for a
// formula is defused with an apostrophe (CSV injection).
void AppendCell(std::string& out, std::string_view text, bool is_text = true) {
  std::string cell;
  if (is_text && !text.empty() &&
      std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    cell = "'";
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char ch : cell) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void AppendRow(std::string& out, const StoredEntry& e) {
  AppendCell(out, std::to_string(e.seq), false);
  out += ',';
  AppendCell(out, FormatRfc3339(e.at), false);
  out += ',';
  AppendCell(out, e.actor_id ? std::to_string(*e.actor_id) : "", false);
  for (const std::string* text : {&e.actor_name, &e.ip, &e.action, &e.object_type, &e.object_id}) {
    out += ',';
    AppendCell(out, *text);
  }
  out += ',';
  AppendCell(out, e.before_json.value_or(""));
  out += ',';
  AppendCell(out, e.after_json.value_or(""));
  for (const std::string* text : {&e.request_id, &e.prev_hash, &e.hash}) {
    out += ',';
    AppendCell(out, *text);
  }
  out += "\r\n";
}

}  // namespace

std::string ExportCsv(db::Conn& c, const Filter& f, int64_t& rows) {
  std::string out(kByteOrderMark);
  for (size_t i = 0; i < kHeader.size(); ++i) {
    if (i) out += ',';
    AppendCell(out, kHeader[i], false);
  }
  out += "\r\n";

  rows = 0;
  ForEachEntry(c, f, [&](const StoredEntry& e) {
    AppendRow(out, e);
    ++rows;
  });
  return out;
}

}  // namespace anxun::audit
