// The delivery log: what was sent where, each try and the receiver's answer,
// and an administrator's retry of a failed row. Rows are in scope when their
// org unit (the channel's) is. Functions that change data run inside
// Database::Write and do not audit (the caller does). 404 outside scope;
// 409 invalid_state for a retry of anything but a failed notice delivery.
// Stateless; thread-safe given one Conn per thread.
#pragma once

#include "auth/principal.h"
#include "db/db.h"
#include "db/query.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anxun::alert {

struct DeliveryFilter {
  std::optional<std::string> state;  // pending | sending | sent | failed
  std::optional<int64_t> channel_id, alert_id, notice_id, org_unit_id;
  std::optional<bool> test;
};

const std::vector<std::string_view>& DeliveryStates();
const std::vector<std::pair<std::string_view, std::string_view>>& DeliverySortFields();

struct DeliveryList {
  boost::json::array items;
  int64_t total = 0;
};
DeliveryList ListDeliveries(db::Conn& c, const auth::AccessScope& scope, const DeliveryFilter& f,
                            const db::Page& page);

// The row with its tries, newest last: {..., attempts_log: [{attempt, started_at,
// duration_ms, ok, status, response, error}]}.
boost::json::object DeliveryDetail(db::Conn& c, const auth::AccessScope& scope, int64_t id);

// Queues a failed row again now, with a fresh round of tries. Returns the
// row before and after (as DeliveryDetail without the tries).
std::pair<boost::json::object, boost::json::object> RetryDelivery(db::Conn& c,
                                                                  const auth::AccessScope& scope,
                                                                  int64_t id, int64_t now);

}  // namespace anxun::alert
