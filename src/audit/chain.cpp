#include "audit/chain.h"

#include "common/crypto.h"

#include <boost/json.hpp>

namespace anxun::audit {
namespace {

constexpr std::string_view kContentVersion = "anxun.audit.v1";

boost::json::value OptText(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::string(*s);
}

}  // namespace

StoredEntry ReadEntry(const db::Row& row) {
  StoredEntry e;
  e.seq = row.Int(0);
  e.at = row.Int(1);
  e.actor_id = row.OptInt(2);
  e.actor_name = row.Str(3);
  e.ip = row.Str(4);
  e.action = row.Str(5);
  e.object_type = row.Str(6);
  e.object_id = row.Str(7);
  e.before_json = row.OptStr(8);
  e.after_json = row.OptStr(9);
  e.request_id = row.Str(10);
  e.prev_hash = row.Str(11);
  e.hash = row.Str(12);
  return e;
}

std::string CanonicalContent(const StoredEntry& e) {
  boost::json::array a;
  a.reserve(12);
  a.emplace_back(kContentVersion);
  a.emplace_back(e.seq);
  a.emplace_back(e.at);
  a.emplace_back(e.actor_id ? boost::json::value(*e.actor_id) : boost::json::value(nullptr));
  a.emplace_back(e.actor_name);
  a.emplace_back(e.ip);
  a.emplace_back(e.action);
  a.emplace_back(e.object_type);
  a.emplace_back(e.object_id);
  a.push_back(OptText(e.before_json));
  a.push_back(OptText(e.after_json));
  a.emplace_back(e.request_id);
  return boost::json::serialize(a);
}

std::string ComputeHash(const StoredEntry& e) {
  return Sha256Hex(CanonicalContent(e) + e.prev_hash);
}

}  // namespace anxun::audit
