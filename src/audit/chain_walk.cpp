// WalkChain (declared in verify.h): the entry-by-entry check, and the
// diagnosis that tells an altered entry from a moved one.
#include "audit/verify.h"

#include <fmt/format.h>

#include <limits>

namespace anxun::audit {
namespace {

constexpr int64_t kPageRows = 1000;
// How far back the diagnosis follows prev_hash links to place a moved entry;
// each step scans the table (hash has no index), and it runs only on failure.
constexpr int kMaxStepsBack = 64;

const std::string kSelectPage =
    fmt::format("SELECT {} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", kEntryColumns);
constexpr const char* kSelectPrevByHash = "SELECT prev_hash FROM audit_log WHERE hash = ?";

struct Problem {
  int64_t seq;
  std::string text;
};

// The seq that `e` had when it was written, if it is a genuine entry: follows
// prev_hash links back to the verified part of the chain (or its start),
// counting the entries in between, and checks e's hash at the seq found.
std::optional<int64_t> OriginalSeq(db::Conn& c, const StoredEntry& e, int64_t verified_seq,
                                   const std::string& verified_hash) {
  std::string prev = e.prev_hash;
  int64_t steps = 0;
  int64_t base = verified_seq;
  while (prev != verified_hash) {
    if (prev == kGenesisHash) {
      base = 0;
      break;
    }
    if (++steps > kMaxStepsBack) return std::nullopt;
    const auto row = c.QueryOne(kSelectPrevByHash, {prev});
    if (!row) return std::nullopt;
    prev = row->Str(0);
  }

  StoredEntry original = e;
  original.seq = base + steps + 1;
  if (ComputeHash(original) != e.hash) return std::nullopt;
  return original.seq;
}

// Why `e` does not follow the good entry (expected_seq - 1, expected_prev);
// nullopt when it does.
std::optional<Problem> CheckEntry(db::Conn& c, const StoredEntry& e, int64_t expected_seq,
                                  const std::string& expected_prev) {
  if (e.seq < expected_seq)
    return Problem{e.seq, fmt::format("entry {} is out of sequence", e.seq)};
  if (e.seq > expected_seq) {
    return Problem{expected_seq, fmt::format("entry {} was removed", expected_seq)};
  }

  if (ComputeHash(e) != e.hash) {
    const auto original = OriginalSeq(c, e, expected_seq - 1, expected_prev);
    if (original && *original != e.seq) {
      return Problem{e.seq, fmt::format("entries reordered at {}", e.seq)};
    }
    return Problem{e.seq, fmt::format("entry {} was altered", e.seq)};
  }
  if (e.prev_hash == expected_prev) return std::nullopt;

  // Consistent in itself but not linked to its predecessor: either it points
  // at an entry that sits elsewhere, or the predecessor was altered and its
  // hash re-computed.
  if (e.seq > 1 && c.QueryOne(kSelectPrevByHash, {e.prev_hash})) {
    return Problem{e.seq, fmt::format("entries reordered at {}", e.seq)};
  }
  const int64_t altered = e.seq > 1 ? e.seq - 1 : e.seq;
  return Problem{altered, fmt::format("entry {} was altered", altered)};
}

}  // namespace

ChainWalk WalkChain(db::Conn& c, int64_t start_seq, const std::string& start_hash,
                    const std::function<void(const StoredEntry&)>& on_entry) {
  ChainWalk walk;
  walk.last_seq = start_seq;
  walk.last_hash = start_hash;
  // From the very start, rows with seq <= 0 (which no writer makes) are read too.
  int64_t cursor = start_seq == 0 ? std::numeric_limits<int64_t>::min() : start_seq;

  while (true) {
    const db::Rows rows = c.Query(kSelectPage, {cursor, kPageRows});
    for (const auto& row : rows) {
      const StoredEntry e = ReadEntry(row);
      if (auto problem = CheckEntry(c, e, walk.last_seq + 1, walk.last_hash)) {
        walk.bad_seq = problem->seq;
        walk.problem = std::move(problem->text);
        return walk;
      }
      ++walk.entries_checked;
      walk.last_seq = e.seq;
      walk.last_hash = e.hash;
      if (on_entry) on_entry(e);
    }
    if (static_cast<int64_t>(rows.size()) < kPageRows) return walk;
    cursor = walk.last_seq;
  }
}

}  // namespace anxun::audit
