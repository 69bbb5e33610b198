// Checking the audit trail: the hash chain in the database (chain.h) against
// the signed heads in the data folder (signing.h).
//
// What each check catches:
//   an entry's content changed in place        its hash no longer matches: "entry 17 was altered"
//   an entry deleted from the middle           a gap in seq: "entry 17 was removed"
//   entries moved to other seqs                a genuine entry at the wrong place:
//                                              "entries reordered at 17"
//   entries deleted from the end               a signed head beyond the last entry:
//                                              "entry 38 was removed (...)"
//   an entry changed and every later hash      the chain is consistent again, but a signed head
//   re-computed                                no longer matches: "chain re-computed: signed
//                                              head 40 does not match (...)"
//   a forged or edited line in the heads log   its signature fails
//
// What it cannot catch: a re-computed chain together with a heads log cut
// back to before the change. Keep a copy of the signed heads elsewhere (they
// are also written to the program log) when that matters.
#pragma once

#include "audit/chain.h"
#include "db/db.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace anxun::audit {

struct VerifyResult {
  bool ok = true;
  int64_t entries_checked = 0;  // entries whose hash and link were checked
  int64_t heads_checked = 0;    // signed heads with a valid signature compared with the chain
  // The first entry found bad; 0 when ok, or when the problem is in the
  // heads log or key file rather than at an entry.
  int64_t first_bad_seq = 0;
  std::string problem;  // the first problem in words, "" when ok
};

// Walks every entry in seq order (recomputing each hash, checking the links
// and that seq runs 1, 2, 3, ... without gaps), then checks every line of
// <data_dir>/audit-heads.log: its signature with <data_dir>/audit-signing.pub,
// and that the chain's hash at its seq is the signed one. Reports the
// problem at the lowest seq. A missing heads log is not a problem (nothing
// was signed yet). Tampering is reported in the result, never thrown; throws
// db::DbError only when the database cannot be read. Reads in pages of 1,000
// entries, so memory does not grow with the table.
VerifyResult VerifyChain(db::Conn& c, const std::filesystem::path& data_dir);

// Where a walk along the chain ended.
struct ChainWalk {
  int64_t last_seq = 0;   // the last good entry (the start when there was none)
  std::string last_hash;  // its hash
  int64_t entries_checked = 0;
  std::optional<int64_t> bad_seq;  // set when the walk stopped at a problem
  std::string problem;
};

// Checks the entries after `start_seq`, whose predecessor has hash
// `start_hash` (0 and kGenesisHash for the whole chain), up to the end of the
// table; stops at the first bad one. `on_entry` sees each good entry in order.
ChainWalk WalkChain(db::Conn& c, int64_t start_seq, const std::string& start_hash,
                    const std::function<void(const StoredEntry&)>& on_entry = {});

}  // namespace anxun::audit
