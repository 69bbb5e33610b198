// Kind rules and time zones of org units (declared in org_units.h).
#include "org/org_units.h"

#include <array>
#include <filesystem>
#include <fstream>

namespace anxun::org {
namespace {

constexpr std::string_view kZoneinfoDir = "/usr/share/zoneinfo/";

bool IsZoneNameChar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '/' || ch == '_' || ch == '-' || ch == '+';
}

}  // namespace

const std::vector<std::string_view>& OrgKinds() {
  static const std::vector<std::string_view> kinds = {"group", "park", "plant", "workshop", "team"};
  return kinds;
}

int KindRank(std::string_view kind) {
  const auto& kinds = OrgKinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == kind) return static_cast<int>(i);
  }
  return -1;
}

bool CanHold(std::string_view parent_kind, std::string_view child_kind) {
  const int parent = KindRank(parent_kind), child = KindRank(child_kind);
  return parent >= 0 && child >= 0 && child > parent;
}

std::string_view KindLabel(std::string_view kind) {
  static constexpr std::array<std::string_view, 5> kLabels = {"集团", "园区", "厂区", "车间",
                                                              "班组"};
  const int rank = KindRank(kind);
  return rank < 0 ? std::string_view("单位") : kLabels[rank];
}

// The name must look like an IANA zone (no "..", no leading '/') and the file
// must be a compiled zone (TZif magic), so directories such as "Asia" and
// data files such as "zone.tab" are refused.
bool IsKnownTimezone(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) {
    return false;
  }
  for (char ch : name) {
    if (!IsZoneNameChar(ch)) return false;
  }

  const std::filesystem::path file = std::string(kZoneinfoDir) + std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof magic);
  return in && std::string_view(magic, 4) == "TZif";
}

}  // namespace anxun::org
