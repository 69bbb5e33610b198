#include "audit/search.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace anxun::audit {
namespace {

constexpr int64_t kPageRows = 1000;

// The id an all-digits actor filter names; nullopt for a username.
std::optional<int64_t> ActorId(const std::string& actor) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(actor.data(), actor.data() + actor.size(), id);
  if (ec != std::errc() || end != actor.data() + actor.size() || actor[0] == '-') {
    return std::nullopt;
  }
  return id;
}

// Characters, not bytes: substr() counts characters on both databases.
int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (char ch : s)
    n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

void AddAction(db::Where& w, const std::string& action) {
  if (action.empty() || action.back() != '*') {
    w.Add("action = ?", {action});
    return;
  }
  const std::string prefix = action.substr(0, action.size() - 1);
  if (prefix.empty()) return;
  // substr rather than LIKE: LIKE ignores case on SQLite but not on PostgreSQL.
  w.Add("substr(action, 1, ?) = ?", {Utf8Length(prefix), prefix});
}

}  // namespace

db::Where FilterWhere(const Filter& f) {
  db::Where w;
  if (f.actor) {
    if (auto id = ActorId(*f.actor)) {
      w.Add("(actor_name = ? OR actor_id = ?)", {*f.actor, *id});
    } else {
      w.Add("actor_name = ?", {*f.actor});
    }
  }
  if (f.action) AddAction(w, *f.action);
  if (f.object_type) w.Add("object_type = ?", {*f.object_type});
  if (f.object_id) w.Add("object_id = ?", {*f.object_id});
  if (f.from) w.Add("at >= ?", {*f.from});
  if (f.to) w.Add("at < ?", {*f.to});
  return w;
}

int64_t CountEntries(db::Conn& c, const Filter& f) {
  const db::Where w = FilterWhere(f);
  return c.QueryInt("SELECT COUNT(*) FROM audit_log" + w.Sql(), w.params()).value_or(0);
}

std::vector<StoredEntry> FindEntries(db::Conn& c, const Filter& f, const db::Page& page) {
  const db::Where w = FilterWhere(f);
  const std::string sql =
      fmt::format("SELECT {} FROM audit_log{}{}", kEntryColumns, w.Sql(), page.Sql());
  std::vector<StoredEntry> out;
  for (const auto& row : c.Query(sql, page.Bind(w.params())))
    out.push_back(ReadEntry(row));
  return out;
}

void ForEachEntry(db::Conn& c, const Filter& f, const std::function<void(const StoredEntry&)>& fn) {
  db::Where w = FilterWhere(f);
  w.Add("seq > ?");
  const std::string sql = fmt::format("SELECT {} FROM audit_log{} ORDER BY seq LIMIT {}",
                                      kEntryColumns, w.Sql(), kPageRows);
  int64_t after = std::numeric_limits<int64_t>::min();
  while (true) {
    db::Params params = w.params();
    params.emplace_back(after);
    const db::Rows rows = c.Query(sql, params);
    for (const auto& row : rows) {
      const StoredEntry e = ReadEntry(row);
      after = e.seq;
      fn(e);
    }
    if (static_cast<int64_t>(rows.size()) < kPageRows) return;
  }
}

}  // namespace anxun::audit
