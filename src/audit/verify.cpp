#include "audit/verify.h"

#include "audit/signing.h"
#include "common/crypto.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

namespace anxun::audit {
namespace {

namespace fs = std::filesystem;

struct Problem {
  int64_t seq;
  std::string text;
};

// The heads log, read: heads whose signature holds, and what was wrong with the rest.
struct Heads {
  std::vector<SignedHead> valid;
  std::vector<Problem> problems;
};

std::vector<std::string> ReadLines(const fs::path& p) {
  std::vector<std::string> lines;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);)
    lines.push_back(std::move(line));
  return lines;
}

Heads ReadHeads(const fs::path& data_dir) {
  Heads heads;
  const fs::path log = data_dir / kHeadsLogName;
  if (!fs::exists(log)) return heads;
  const std::vector<std::string> lines = ReadLines(log);
  const auto blank = [](const std::string& l) {
    return l.find_first_not_of(" \t\r") == std::string::npos;
  };
  if (std::all_of(lines.begin(), lines.end(), blank)) return heads;

  const auto key = LoadPublicKey(data_dir);
  if (!key) {
    const fs::path pub = data_dir / kPublicKeyFileName;
    heads.problems.push_back(
        {0, fmt::format("public key {} is missing or malformed: signed heads cannot be checked",
                        pub.string())});
    return heads;
  }

  for (size_t i = 0; i < lines.size(); ++i) {
    if (blank(lines[i])) continue;
    auto head = ParseHeadLine(lines[i]);
    if (!head) {
      heads.problems.push_back({0, fmt::format("heads log line {} is malformed", i + 1)});
    } else if (!VerifyHeadSignature(*head, *key)) {
      heads.problems.push_back(
          {head->seq, fmt::format("signed head {} (heads log line {}) has an invalid signature: "
                                  "forged or altered",
                                  head->seq, i + 1)});
    } else {
      heads.valid.push_back(std::move(*head));
    }
  }
  std::stable_sort(heads.valid.begin(), heads.valid.end(),
                   [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return heads;
}

// Compares the valid heads with the chain's hashes at their seqs. Heads at or
// after a break in the chain cannot be judged and are skipped.
void CompareHeads(const std::vector<SignedHead>& heads, const std::map<int64_t, std::string>& chain,
                  const ChainWalk& walk, std::vector<Problem>& problems, int64_t& checked) {
  int64_t last_good = 0;
  for (const auto& h : heads) {
    if (walk.bad_seq && h.seq >= *walk.bad_seq) break;
    ++checked;
    if (h.seq > walk.last_seq) {
      problems.push_back(
          {walk.last_seq + 1, fmt::format("entry {} was removed (signed head {} is beyond the last "
                                          "entry, {})",
                                          walk.last_seq + 1, h.seq, walk.last_seq)});
      return;
    }
    const auto it = chain.find(h.seq);
    if (it == chain.end() || it->second != h.hash) {
      problems.push_back(
          {last_good + 1, fmt::format("chain re-computed: signed head {} does not match (the "
                                      "change lies in entries {}..{})",
                                      h.seq, last_good + 1, h.seq)});
      return;
    }
    last_good = h.seq;
  }
}

}  // namespace

VerifyResult VerifyChain(db::Conn& c, const fs::path& data_dir) {
  InitCrypto();
  const Heads heads = ReadHeads(data_dir);
  std::set<int64_t> wanted;
  for (const auto& h : heads.valid)
    wanted.insert(h.seq);

  std::map<int64_t, std::string> chain;  // seq -> hash, at the signed heads' seqs
  const ChainWalk walk = WalkChain(c, 0, std::string(kGenesisHash), [&](const StoredEntry& e) {
    if (wanted.count(e.seq)) chain[e.seq] = e.hash;
  });

  VerifyResult result;
  result.entries_checked = walk.entries_checked;
  std::vector<Problem> problems;
  if (walk.bad_seq) problems.push_back({*walk.bad_seq, walk.problem});
  CompareHeads(heads.valid, chain, walk, problems, result.heads_checked);
  problems.insert(problems.end(), heads.problems.begin(), heads.problems.end());
  if (problems.empty()) return result;

  const auto first = std::min_element(problems.begin(), problems.end(),
                                      [](const auto& a, const auto& b) { return a.seq < b.seq; });
  result.ok = false;
  result.first_bad_seq = first->seq;
  result.problem = first->text;
  return result;
}

}  // namespace anxun::audit
