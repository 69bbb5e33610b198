#include "audit/audit.h"

#include "audit/chain.h"
#include "common/clock.h"

#include <boost/json.hpp>

#include <stdexcept>

namespace anxun::audit {
namespace {

// Several servers on one PostgreSQL append in one order (7243001 is the migrator's).
constexpr const char* kLockChain = "SELECT pg_advisory_xact_lock(7243002)";
// The highest seq and its hash: MAX(seq) through the primary key.
constexpr const char* kSelectHead = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr const char* kInsertEntry =
    "INSERT INTO audit_log (seq, at, actor_id, actor_name, ip, action, object_type, object_id, "
    "before_json, after_json, request_id, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr size_t kMaxShortText = 200;
constexpr size_t kMaxRequestId = 128;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF, as PostgreSQL
// checks), or 0 when there is none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  }
  if (len == 0 || i + len > s.size() || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return len;
}

// Text as both databases accept it: valid UTF-8 (bad bytes become U+FFFD),
// no NUL (PostgreSQL refuses it), at most `max_bytes` bytes cut on a
// character boundary. A header or a name must never make the change it
// records fail.
std::string CleanText(std::string_view s, size_t max_bytes = std::string::npos) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  size_t i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceLength(s, i);
    std::string_view piece = len ? s.substr(i, len) : kReplacement;
    if (len == 0) len = 1;
    i += len;
    if (piece == std::string_view("\0", 1)) continue;
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
  }
  return out;
}

db::Value JsonText(const boost::json::value& v) {
  if (v.is_null()) return db::Null();
  return CleanText(boost::json::serialize(v));
}

}  // namespace

int64_t Append(db::Conn& c, const Actor& actor, const Entry& e) {
  if (e.action.empty()) throw std::invalid_argument("audit: an entry needs an action");

  if (c.dialect() == db::Dialect::kPostgres) c.Query(kLockChain);
  const auto head = c.QueryOne(kSelectHead);

  StoredEntry s;
  s.seq = head ? head->Int(0) + 1 : 1;
  s.prev_hash = head ? head->Str(1) : std::string(kGenesisHash);
  s.at = NowMs();
  s.actor_id = actor.user_id;
  s.actor_name = CleanText(actor.name, kMaxShortText);
  s.ip = CleanText(actor.ip, kMaxShortText);
  s.action = CleanText(e.action, kMaxShortText);
  s.object_type = CleanText(e.object_type, kMaxShortText);
  s.object_id = CleanText(e.object_id, kMaxShortText);
  s.request_id = CleanText(actor.request_id, kMaxRequestId);
  const db::Value before = JsonText(e.before), after = JsonText(e.after);
  if (auto p = std::get_if<std::string>(&before)) s.before_json = *p;
  if (auto p = std::get_if<std::string>(&after)) s.after_json = *p;
  s.hash = ComputeHash(s);

  c.Exec(kInsertEntry,
         {s.seq, s.at, db::Opt(s.actor_id), s.actor_name, s.ip, s.action, s.object_type,
          s.object_id, before, after, s.request_id, s.prev_hash, s.hash});
  return s.seq;
}

}  // namespace anxun::audit
