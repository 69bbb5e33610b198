// Active alerts in Alertmanager's `GET /api/v2/alerts/groups` shape, written
// straight to JSON text (no DOM): a plant's dashboards and the benchmark read
// every active alert at once, tens of thousands of them, several times a
// second. Stateless; thread-safe given one Conn per thread.
#pragma once

#include "auth/principal.h"
#include "db/db.h"

#include <optional>
#include <string>

namespace anxun::alert {

// An Alertmanager label matcher `name="value"` (or `name!="value"`).
struct LabelFilter {
  std::string name;
  std::string value;
  bool is_equal = true;
};

// Parses `name="value"`, `name!="value"` or `name=value`; nullopt when malformed.
std::optional<LabelFilter> ParseLabelFilter(std::string_view text);

// Every open or acknowledged alert in `scope`, grouped by rule (alertname),
// most recently seen first within a group; with `filter`, only alerts whose
// labels (plus alertname and level) match it.
std::string ActiveAlertGroupsJson(db::Conn& c, const auth::AccessScope& scope,
                                  const std::optional<LabelFilter>& filter);

}  // namespace anxun::alert
