#include "alert/delivery_log.h"

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"

namespace anxun::alert {
namespace {

constexpr const char* kColumns =
    "SELECT d.id, d.notice_id, d.channel_id, ch.name, ch.kind, d.org_unit_id, u.name, d.alert_id, "
    "d.is_test, d.notice_kind, d.level, d.title, d.state, d.attempts, d.round_attempts, "
    "d.next_attempt_at, d.last_status, d.last_response, d.last_error, d.sent_at, d.created_at, "
    "d.updated_at FROM deliveries d JOIN alert_channels ch ON ch.id = d.channel_id "
    "JOIN org_units u ON u.id = d.org_unit_id";

constexpr const char* kCount =
    "SELECT COUNT(*) FROM deliveries d JOIN alert_channels ch ON ch.id = d.channel_id "
    "JOIN org_units u ON u.id = d.org_unit_id";

constexpr const char* kAttempts =
    "SELECT attempt, started_at, duration_ms, ok, status, response, error "
    "FROM delivery_attempts WHERE delivery_id = ? ORDER BY id";

constexpr const char* kRequeue =
    "UPDATE deliveries SET state = 'pending', round_attempts = 0, next_attempt_at = ?, "
    "claimed_until = NULL, claim_token = NULL, updated_at = ? "
    "WHERE id = ? AND state = 'failed' AND is_test = 0";

boost::json::value OptText(const db::Row& r, size_t i) {
  if (r.IsNull(i)) return nullptr;
  return boost::json::string(r.Str(i));
}

boost::json::object RowJson(const db::Row& r) {
  const std::string state = r.Str(12);
  return {{"id", r.Int(0)},
          {"notice_id", OptJson(r.OptInt(1))},
          {"channel_id", r.Int(2)},
          {"channel_name", r.Str(3)},
          {"channel_kind", r.Str(4)},
          {"org_unit_id", r.Int(5)},
          {"org_unit_name", r.Str(6)},
          {"alert_id", OptJson(r.OptInt(7))},
          {"test", r.Bool(8)},
          {"kind", r.Str(9)},
          {"level", r.Str(10)},
          {"title", r.Str(11)},
          {"state", state},
          {"attempts", r.Int(13)},
          {"round_attempts", r.Int(14)},
          {"next_attempt_at", state == "pending" ? boost::json::value(FormatRfc3339(r.Int(15)))
                                                 : boost::json::value(nullptr)},
          {"last_status", OptJson(r.OptInt(16))},
          {"last_response", OptText(r, 17)},
          {"last_error", OptText(r, 18)},
          {"sent_at", OptTimeJson(r.OptInt(19))},
          {"created_at", FormatRfc3339(r.Int(20))},
          {"updated_at", FormatRfc3339(r.Int(21))}};
}

boost::json::object FindInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  db::Where where;
  where.Add("d.id = ?", {id});
  scope.Apply(where, "d.org_unit_id");
  auto r = c.QueryOne(std::string(kColumns) + where.Sql(), where.params());
  if (!r) throw NotFound("delivery");
  return RowJson(*r);
}

}  // namespace

const std::vector<std::string_view>& DeliveryStates() {
  static const std::vector<std::string_view> v = {"pending", "sending", "sent", "failed"};
  return v;
}

const std::vector<std::pair<std::string_view, std::string_view>>& DeliverySortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> v = {
      {"id", "d.id"},
      {"created_at", "d.created_at"},
      {"updated_at", "d.updated_at"},
      {"state", "d.state"},
      {"attempts", "d.attempts"},
      {"next_attempt_at", "d.next_attempt_at"}};
  return v;
}

DeliveryList ListDeliveries(db::Conn& c, const auth::AccessScope& scope, const DeliveryFilter& f,
                            const db::Page& page) {
  db::Where where;
  scope.Apply(where, "d.org_unit_id");
  if (f.state) where.Add("d.state = ?", {*f.state});
  if (f.channel_id) where.Add("d.channel_id = ?", {*f.channel_id});
  if (f.alert_id) where.Add("d.alert_id = ?", {*f.alert_id});
  if (f.notice_id) where.Add("d.notice_id = ?", {*f.notice_id});
  if (f.org_unit_id) where.Add("d.org_unit_id = ?", {*f.org_unit_id});
  if (f.test) where.Add("d.is_test = ?", {int64_t{*f.test}});

  DeliveryList out;
  out.total = c.QueryInt(std::string(kCount) + where.Sql(), where.params()).value_or(0);
  for (const auto& r :
       c.Query(std::string(kColumns) + where.Sql() + page.Sql(), page.Bind(where.params()))) {
    out.items.push_back(RowJson(r));
  }
  return out;
}

boost::json::object DeliveryDetail(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  boost::json::object j = FindInScope(c, scope, id);
  boost::json::array attempts;
  for (const auto& r : c.Query(kAttempts, {id})) {
    attempts.push_back({{"attempt", r.Int(0)},
                        {"started_at", FormatRfc3339(r.Int(1))},
                        {"duration_ms", r.Int(2)},
                        {"ok", r.Bool(3)},
                        {"status", OptJson(r.OptInt(4))},
                        {"response", r.Str(5)},
                        {"error", r.Str(6)}});
  }
  j["attempts_log"] = std::move(attempts);
  return j;
}

std::pair<boost::json::object, boost::json::object> RetryDelivery(db::Conn& c,
                                                                  const auth::AccessScope& scope,
                                                                  int64_t id, int64_t now) {
  boost::json::object before = FindInScope(c, scope, id);
  if (c.Exec(kRequeue, {now, now, id}) == 0) {
    throw Conflict("invalid_state",
                   "只能重发失败的告警推送 / only failed notice deliveries can be retried",
                   {{"state", before.at("state")}});
  }
  return {std::move(before), FindInScope(c, scope, id)};
}

}  // namespace anxun::alert
