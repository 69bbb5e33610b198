#include "alert/producers.h"

#include "alert/store.h"
#include "common/clock.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace anxun::alert {
namespace {

constexpr std::string_view kProducersJob = "alert_producers";
constexpr std::string_view kHistoryCursor = "hazard_history";

constexpr const char* kHazardColumns =
    "h.id, h.code, h.title, h.level, h.org_unit_id, h.area_id, h.point_id, h.found_at, "
    "h.deadline";

// The mark is the claim: a record marked already inserts nothing.
constexpr const char* kMark =
    "INSERT INTO alert_producer_marks (producer, ref_id, ref_at, created_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (producer, ref_id, ref_at) DO NOTHING RETURNING ref_id";

bool Mark(db::Conn& c, std::string_view producer, int64_t ref_id, int64_t ref_at, int64_t now) {
  return !c.Query(kMark, {std::string(producer), ref_id, ref_at, now}).empty();
}

Incoming HazardEvent(const db::Row& h, std::string rule, std::string level, int64_t at) {
  Incoming in;
  Event& e = in.event;
  e.source = "hazard";
  e.rule = std::move(rule);
  e.level = std::move(level);
  e.org_unit_id = h.Int(4);
  e.area_id = h.OptInt(5);
  e.point_id = h.OptInt(6);
  e.occurred_at = at;
  e.labels = {{"hazard_id", std::to_string(h.Int(0))}, {"code", h.Str(1)}};
  e.payload = boost::json::serialize(
      boost::json::object{{"hazard_id", h.Int(0)}, {"code", h.Str(1)}, {"title", h.Str(2)}});
  e.annotations = boost::json::serialize(boost::json::object{{"summary", h.Str(2)}});
  return in;
}

int64_t IngestAll(db::Conn& c, const std::vector<Incoming>& batch, int64_t now) {
  if (batch.empty()) return 0;
  Ingest(c, batch, std::nullopt, now);
  return static_cast<int64_t>(batch.size());
}

// The flag kinds the inspection module records, as rules and levels.
std::pair<std::string, std::string> FlagRule(std::string_view kind) {
  if (kind == "missed") return {"inspection.missed", "general"};
  if (kind == "late") return {"inspection.late", "minor"};
  return {"inspection.manual_check_in", "minor"};
}

}  // namespace

int64_t ProduceMajorHazards(db::Conn& c, int64_t now, int64_t limit) {
  c.Exec(
      "INSERT INTO alert_producer_cursors (name, last_id) VALUES (?, 0) "
      "ON CONFLICT (name) DO NOTHING",
      {std::string(kHistoryCursor)});
  const int64_t cursor = c.QueryInt("SELECT last_id FROM alert_producer_cursors WHERE name = ?",
                                    {std::string(kHistoryCursor)})
                             .value_or(0);
  const auto rows = c.Query(
      "SELECT id, hazard_id FROM hazard_history WHERE id > ? ORDER BY id LIMIT ?", {cursor, limit});
  if (rows.empty()) return 0;
  // Moves the cursor only from where this run found it.
  if (c.Exec("UPDATE alert_producer_cursors SET last_id = ?, updated_at = ? "
             "WHERE name = ? AND last_id = ?",
             {rows.back().Int(0), now, std::string(kHistoryCursor), cursor}) != 1)
    return 0;

  std::set<int64_t> hazards;
  for (const auto& r : rows)
    hazards.insert(r.Int(1));
  std::vector<Incoming> batch;
  for (int64_t id : hazards) {
    auto h = c.QueryOne(std::string("SELECT ") + kHazardColumns +
                            " FROM hazards h WHERE h.id = ? AND h.level = 'major' AND "
                            "h.state NOT IN ('closed','dismissed')",
                        {id});
    if (h && Mark(c, "hazard.major_reported", id, 0, now))
      batch.push_back(HazardEvent(*h, "hazard.major_reported", "major", std::min(h->Int(7), now)));
  }
  return IngestAll(c, batch, now);
}

int64_t ProduceOverdueHazards(db::Conn& c, int64_t now, int64_t limit) {
  const auto rows = c.Query(
      std::string("SELECT ") + kHazardColumns +
          " FROM hazards h WHERE h.state IN ('verified','rectifying') AND h.deadline IS NOT NULL "
          "AND h.deadline <= ? AND NOT EXISTS (SELECT 1 FROM alert_producer_marks m WHERE "
          "m.producer = 'hazard.overdue' AND m.ref_id = h.id AND m.ref_at = h.deadline) "
          "ORDER BY h.deadline, h.id LIMIT ?",
      {now, limit});
  std::vector<Incoming> batch;
  for (const auto& h : rows) {
    const int64_t deadline = h.Int(8);
    if (!Mark(c, "hazard.overdue", h.Int(0), deadline, now)) continue;
    const std::string level = h.IsNull(3) ? "general" : h.Str(3);
    batch.push_back(HazardEvent(h, "hazard.overdue", level, deadline));
  }
  return IngestAll(c, batch, now);
}

int64_t ProduceTaskFlags(db::Conn& c, int64_t now, int64_t limit) {
  const auto rows = c.Query(
      "SELECT f.id, f.task_id, f.kind, f.org_unit_id, f.detail, f.created_at, t.title, t.due_at "
      "FROM task_flags f JOIN tasks t ON t.id = f.task_id WHERE f.consumed_at IS NULL "
      "ORDER BY f.id LIMIT ?",
      {limit});
  std::vector<Incoming> batch;
  for (const auto& f : rows) {
    if (c.Exec("UPDATE task_flags SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
               {now, f.Int(0)}) != 1)
      continue;
    auto [rule, level] = FlagRule(f.Str(2));
    Incoming in;
    Event& e = in.event;
    e.source = "inspection";
    e.rule = std::move(rule);
    e.level = std::move(level);
    e.org_unit_id = f.Int(3);
    e.occurred_at = std::min(f.Int(5), now);
    e.labels = {{"task_id", std::to_string(f.Int(1))}};
    e.payload = boost::json::serialize(boost::json::object{{"task_id", f.Int(1)},
                                                           {"title", f.Str(6)},
                                                           {"due", FormatRfc3339(f.Int(7))},
                                                           {"detail", f.Str(4)}});
    e.annotations = boost::json::serialize(boost::json::object{{"summary", f.Str(6)}});
    batch.push_back(std::move(in));
  }
  return IngestAll(c, batch, now);
}

ProducerRun RunProducers(db::Database& db, int64_t now, std::string_view holder, int64_t limit) {
  ProducerRun out;
  out.leased =
      db.Write([&](db::Conn& c) { return TryLease(c, kProducersJob, holder, now, kLeaseTtlMs); });
  if (!out.leased) return out;

  const std::pair<const char*, int64_t (*)(db::Conn&, int64_t, int64_t)> producers[] = {
      {"hazard.major_reported", ProduceMajorHazards},
      {"hazard.overdue", ProduceOverdueHazards},
      {"task flags", ProduceTaskFlags}};
  for (const auto& [name, produce] : producers) {
    try {
      out.events += db.Write([&](db::Conn& c) { return produce(c, now, limit); });
    } catch (const std::exception& e) {
      spdlog::error("alert producer {}: failed ({}); will retry", name, e.what());
    }
  }
  if (out.events > 0) spdlog::info("alert producers: {} event(s) ingested", out.events);
  return out;
}

}  // namespace anxun::alert
