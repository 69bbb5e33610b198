#include "hazard/hazards.h"

#include "common/clock.h"
#include "common/error.h"
#include "hazard/workflow.h"
#include "hazard/xlsx.h"
#include "org/areas.h"
#include "org/fields.h"
#include "org/files.h"
#include "org/org_units.h"
#include "org/points.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace anxun::hazard {
namespace {

constexpr size_t kMaxText = 4000;
constexpr int64_t kChinaOffsetMs = 8 * kHourMs;

constexpr const char* kSelectHazard =
    "SELECT h.id, h.code, h.title, h.description, h.kind, h.category, cat.name, h.level, "
    "h.org_unit_id, ou.name, h.area_id, h.point_id, h.location_text, h.x, h.y, h.source, "
    "h.source_ref, h.reporter_id, ru.display_name, h.found_at, h.state, h.fixed_on_spot, "
    "h.owner_id, ow.display_name, h.department_id, h.assigner_id, h.measures, h.deadline, "
    "h.original_deadline, h.extension_deadline, h.extension_reason, h.review_round, "
    "h.supervised, h.supervise_note, h.supervise_target_at, h.supervised_by, h.plan_json, "
    "h.production_stop, h.authority_report_json, h.duplicate_of, h.dismiss_reason, h.closed_at, "
    "h.client_id, h.version, h.created_at, h.updated_at, h.major_criteria "
    "FROM hazards h JOIN org_units ou ON ou.id = h.org_unit_id "
    "JOIN users ru ON ru.id = h.reporter_id "
    "LEFT JOIN users ow ON ow.id = h.owner_id "
    "LEFT JOIN hazard_categories cat ON cat.code = h.category";

constexpr const char* kCountHazards = "SELECT COUNT(*) FROM hazards h";

constexpr const char* kUnitAndDescendants =
    "h.org_unit_id IN (SELECT d.id FROM org_units d, org_units r "
    "WHERE r.id = ? AND d.path LIKE r.path || '%')";

constexpr const char* kOverdue =
    "(h.state IN ('rectifying','pending_review') AND h.deadline IS NOT NULL AND h.deadline < ?)";

constexpr const char* kDueSoon =
    "(h.state IN ('rectifying','pending_review') AND h.deadline IS NOT NULL AND "
    "h.deadline >= ? AND h.deadline <= ?)";

constexpr const char* kInsertHazard =
    "INSERT INTO hazards (code, title, description, kind, category, level, org_unit_id, area_id, "
    "point_id, location_text, x, y, source, source_ref, reporter_id, found_at, state, "
    "fixed_on_spot, owner_id, deadline, original_deadline, review_round, client_id, "
    "major_criteria, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id";

constexpr const char* kUpdateHazard =
    "UPDATE hazards SET kind = ?, category = ?, level = ?, department_id = ?, state = ?, "
    "owner_id = ?, assigner_id = ?, measures = ?, deadline = ?, original_deadline = ?, "
    "extension_deadline = ?, extension_reason = ?, review_round = ?, supervised = ?, "
    "supervise_note = ?, supervise_target_at = ?, supervised_by = ?, plan_json = ?, "
    "production_stop = ?, authority_report_json = ?, duplicate_of = ?, dismiss_reason = ?, "
    "closed_at = ?, major_criteria = ?, version = version + 1, updated_at = ? "
    "WHERE id = ? AND version = ?";

constexpr const char* kInsertHistory =
    "INSERT INTO hazard_history (hazard_id, action, actor_id, actor_name, at, from_state, "
    "to_state, comment, changes, file_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kInsertFile =
    "INSERT INTO hazard_files (hazard_id, file_id, phase, added_by, added_at) "
    "VALUES (?, ?, ?, ?, ?)";

constexpr const char* kInsertReview =
    "INSERT INTO hazard_reviews (hazard_id, round, reviewer_id, decision, superior, comment, at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

// The six parts of a major hazard's governance plan (治理方案).
const std::vector<std::string_view>& PlanParts() {
  static const std::vector<std::string_view> v = {"goal_tasks",      "methods_measures",
                                                  "funds_materials", "organisation_people",
                                                  "time_limits",     "safety_emergency"};
  return v;
}

Hazard FromRow(const db::Row& r) {
  Hazard h;
  h.id = r.Int(0);
  h.code = r.Str(1);
  h.title = r.Str(2);
  h.description = r.Str(3);
  h.kind = r.Str(4);
  h.category = r.OptStr(5);
  h.category_name = r.OptStr(6);
  h.level = r.OptStr(7);
  h.org_unit_id = r.Int(8);
  h.org_unit_name = r.Str(9);
  h.area_id = r.OptInt(10);
  h.point_id = r.OptInt(11);
  h.location_text = r.Str(12);
  h.x = r.OptReal(13);
  h.y = r.OptReal(14);
  h.source = r.Str(15);
  h.source_ref = r.OptStr(16);
  h.reporter_id = r.Int(17);
  h.reporter_name = r.Str(18);
  h.found_at = r.Int(19);
  h.state = r.Str(20);
  h.fixed_on_spot = r.Bool(21);
  h.owner_id = r.OptInt(22);
  h.owner_name = r.OptStr(23);
  h.department_id = r.OptInt(24);
  h.assigner_id = r.OptInt(25);
  h.measures = r.Str(26);
  h.deadline = r.OptInt(27);
  h.original_deadline = r.OptInt(28);
  h.extension_deadline = r.OptInt(29);
  h.extension_reason = r.OptStr(30);
  h.review_round = r.Int(31);
  h.supervised = r.Bool(32);
  h.supervise_note = r.OptStr(33);
  h.supervise_target_at = r.OptInt(34);
  h.supervised_by = r.OptInt(35);
  h.plan_json = r.OptStr(36);
  h.production_stop = r.OptStr(37);
  h.authority_report_json = r.OptStr(38);
  h.duplicate_of = r.OptInt(39);
  h.dismiss_reason = r.OptStr(40);
  h.closed_at = r.OptInt(41);
  h.client_id = r.OptStr(42);
  h.version = r.Int(43);
  h.created_at = r.Int(44);
  h.updated_at = r.Int(45);
  h.major_criteria_json = r.OptStr(46);
  return h;
}

boost::json::value ParsedOrNull(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  return ec ? boost::json::value(nullptr) : v;
}

boost::json::value OptReal(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

// ---- who is acting ----------------------------------------------------

bool Holds(const auth::Principal& who, std::string_view permission, int64_t unit_id) {
  auto it = who.grants.find(permission);
  return it != who.grants.end() && it->second.Contains(unit_id);
}

// Management role, or an org unit strictly above the hazard's plant.
bool IsSuperior(db::Conn& c, const auth::Principal& who, int64_t hazard_unit_id) {
  for (const auto& r : who.roles) {
    if (r.code == "manager") return true;
  }
  auto unit = org::FindOrgUnit(c, hazard_unit_id);
  auto mine = org::FindOrgUnit(c, who.org_unit_id);
  if (!unit || !mine) return false;
  auto plant = org::FindAncestorOfKind(c, *unit, "plant");
  const std::string& plant_path = plant ? plant->path : unit->path;
  return mine->path.size() < plant_path.size() && plant_path.starts_with(mine->path);
}

Caller CallerFor(db::Conn& c, const auth::Principal& who, const Hazard& h) {
  Caller caller;
  caller.user_id = who.user_id;
  caller.can_verify = Holds(who, "hazard.verify", h.org_unit_id);
  caller.can_assign = Holds(who, "hazard.assign", h.org_unit_id);
  caller.can_rectify = Holds(who, "hazard.rectify", h.org_unit_id);
  caller.can_review = Holds(who, "hazard.review", h.org_unit_id);
  caller.can_supervise = Holds(who, "hazard.supervise", h.org_unit_id);
  caller.superior = IsSuperior(c, who, h.org_unit_id);
  return caller;
}

Facts FactsOf(db::Conn& c, const Hazard& h) {
  Facts f;
  f.state = h.state;
  f.level = h.level.value_or("");
  f.owner_id = h.owner_id.value_or(0);
  f.has_plan = h.plan_json.has_value();
  f.extension_pending = h.extension_deadline.has_value();
  for (const auto& r : c.Query("SELECT reviewer_id, superior FROM hazard_reviews "
                               "WHERE hazard_id = ? AND round = ? AND decision = 'approve' "
                               "ORDER BY id",
                               {h.id, h.review_round})) {
    f.approvals.emplace_back(r.Int(0), r.Bool(1));
  }
  return f;
}

// ---- validation helpers -----------------------------------------------

void CheckEnum(Body& b, std::string_view key, const std::optional<std::string>& v,
               const std::vector<std::string_view>& allowed) {
  if (v && !IsOneOf(allowed, *v)) b.Fail(key, "未知取值 / unknown value");
}

void CheckCategory(db::Conn& c, Body& b, const std::optional<std::string>& v) {
  if (!v) return;
  if (!c.QueryInt("SELECT active FROM hazard_categories WHERE code = ? AND active = 1", {*v})) {
    b.Fail("category", "未知类别 / unknown category");
  }
}

// Files the caller may read, in the order given; a field error otherwise.
// `images_only` refuses anything but photos and videos.
std::vector<org::StoredFile> ReadableFiles(db::Conn& c, const auth::Principal& who, Body& b,
                                           std::string_view key,
                                           const std::optional<std::vector<int64_t>>& ids) {
  std::vector<org::StoredFile> out;
  if (!ids) return out;
  std::set<int64_t> seen;
  for (int64_t id : *ids) {
    if (!seen.insert(id).second) continue;
    auto f = org::FindFile(c, id);
    if (!f || !org::CanReadFile(c, who, *f)) {
      b.Fail(key, fmt::format("文件 {} 不存在 / file {} not found", id, id));
      continue;
    }
    out.push_back(*f);
  }
  if (out.size() > 20) b.Fail(key, "最多 20 个文件 / at most 20 files");
  return out;
}

// The matched major-hazard criteria as a JSON array text; nullopt when the
// field is absent. Unknown codes are field errors.
std::optional<std::string> ReadMajorCriteria(db::Conn& c, Body& b) {
  auto codes = b.StrList("major_criteria");
  if (!codes) return std::nullopt;
  boost::json::array out;
  std::set<std::string> seen;
  for (const auto& code : *codes) {
    if (!seen.insert(code).second) continue;
    if (!c.QueryInt("SELECT 1 FROM hazard_major_criteria WHERE code = ? AND active = 1", {code})) {
      b.Fail("major_criteria", "未知判定标准条目 / unknown criterion");
    }
    out.push_back(boost::json::string(code));
  }
  return boost::json::serialize(out);
}

bool ForcesMajor(const std::optional<std::string>& criteria) {
  return criteria && *criteria != "[]";
}

bool IsMedia(const org::StoredFile& f) {
  return f.content_type.starts_with("image/") || f.content_type.starts_with("video/");
}

void AttachFiles(db::Conn& c, int64_t hazard_id, const std::vector<org::StoredFile>& files,
                 std::string_view phase, int64_t user_id, int64_t now) {
  for (const auto& f : files) {
    if (c.QueryInt("SELECT 1 FROM hazard_files WHERE hazard_id = ? AND file_id = ? AND phase = ?",
                   {hazard_id, f.id, std::string(phase)})) {
      continue;
    }
    c.Exec(kInsertFile, {hazard_id, f.id, std::string(phase), user_id, now});
  }
}

std::string FileIdsJson(const std::vector<org::StoredFile>& files) {
  boost::json::array a;
  for (const auto& f : files)
    a.push_back(f.id);
  return boost::json::serialize(a);
}

// {field: [before, after]} for every field that changed.
boost::json::object Changes(const Hazard& before, const Hazard& after) {
  static const std::set<std::string> kSkip = {"version",  "updated_at", "overdue",
                                              "due_soon", "owner_name", "category_name"};
  const auto a = ToJson(before, 0);
  const auto b = ToJson(after, 0);
  boost::json::object out;
  for (const auto& kv : b) {
    if (kSkip.count(std::string(kv.key()))) continue;
    const auto* old = a.if_contains(kv.key());
    if (!old || *old != kv.value()) {
      out[kv.key()] = boost::json::array{old ? *old : boost::json::value(nullptr), kv.value()};
    }
  }
  return out;
}

void AppendHistory(db::Conn& c, const auth::Principal& who, int64_t hazard_id,
                   std::string_view action, std::optional<std::string> from_state,
                   const std::string& to_state, const std::string& comment,
                   const boost::json::object& changes, const std::string& file_ids, int64_t now) {
  c.Insert(kInsertHistory,
           {hazard_id, std::string(action), who.user_id, who.display_name, now, db::Opt(from_state),
            to_state, comment, boost::json::serialize(changes), file_ids});
}

std::string CodePrefix(db::Conn& c, int64_t unit_id, int64_t now) {
  auto unit = org::FindOrgUnit(c, unit_id);
  std::string plant_code = unit ? unit->code : "X";
  if (unit) {
    if (auto plant = org::FindAncestorOfKind(c, *unit, "plant")) plant_code = plant->code;
  }
  std::string day = FormatRfc3339(now + kChinaOffsetMs).substr(0, 10);
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  return fmt::format("YH-{}-{}-", plant_code, day);
}

std::string NextCode(db::Conn& c, int64_t unit_id, int64_t now) {
  const std::string prefix = CodePrefix(c, unit_id, now);
  const int64_t n =
      c.QueryInt("SELECT COUNT(*) FROM hazards WHERE code LIKE ?", {prefix + "%"}).value_or(0);
  return prefix + std::to_string(n + 1);
}

void Save(db::Conn& c, const Hazard& h, int64_t expected_version, int64_t now) {
  const int64_t changed = c.Exec(kUpdateHazard, {h.kind,
                                                 db::Opt(h.category),
                                                 db::Opt(h.level),
                                                 db::Opt(h.department_id),
                                                 h.state,
                                                 db::Opt(h.owner_id),
                                                 db::Opt(h.assigner_id),
                                                 h.measures,
                                                 db::Opt(h.deadline),
                                                 db::Opt(h.original_deadline),
                                                 db::Opt(h.extension_deadline),
                                                 db::Opt(h.extension_reason),
                                                 h.review_round,
                                                 int64_t{h.supervised},
                                                 db::Opt(h.supervise_note),
                                                 db::Opt(h.supervise_target_at),
                                                 db::Opt(h.supervised_by),
                                                 db::Opt(h.plan_json),
                                                 db::Opt(h.production_stop),
                                                 db::Opt(h.authority_report_json),
                                                 db::Opt(h.duplicate_of),
                                                 db::Opt(h.dismiss_reason),
                                                 db::Opt(h.closed_at),
                                                 db::Opt(h.major_criteria_json),
                                                 now,
                                                 h.id,
                                                 expected_version});
  if (changed == 0) throw org::VersionConflict();
}

void AddFilter(db::Where& where, const HazardFilter& f, int64_t now) {
  if (f.code) where.Add("h.code = ?", {*f.code});
  if (f.state) where.Add("h.state = ?", {*f.state});
  if (f.level) where.Add("h.level = ?", {*f.level});
  if (f.category) where.Add("h.category = ?", {*f.category});
  if (f.org_unit_id) where.Add(kUnitAndDescendants, {*f.org_unit_id});
  if (f.area_id) where.Add("h.area_id = ?", {*f.area_id});
  if (f.point_id) where.Add("h.point_id = ?", {*f.point_id});
  if (f.owner_id) where.Add("h.owner_id = ?", {*f.owner_id});
  if (f.source) where.Add("h.source = ?", {*f.source});
  if (f.overdue) where.Add(*f.overdue ? kOverdue : std::string("NOT ") + kOverdue, {now});
  if (f.supervised) where.Add("h.supervised = ?", {int64_t{*f.supervised}});
  if (f.from) where.Add("h.found_at >= ?", {*f.from});
  if (f.to) where.Add("h.found_at < ?", {*f.to});
  if (f.q && !f.q->empty()) where.Search({"h.title", "h.description"}, *f.q);
  if (f.due_soon) {
    where.Add(*f.due_soon ? kDueSoon : std::string("NOT ") + kDueSoon, {now, now + kDueSoonMs});
  }
  if (f.open) {
    where.Add(*f.open ? "h.state NOT IN ('closed','dismissed')"
                      : "h.state IN ('closed','dismissed')");
  }
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string CsvCell(std::string s) {
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos) {
    s.insert(s.begin(), '\'');
  }
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
  return out;
}

std::string TimeText(const std::optional<int64_t>& ms) {
  return ms ? FormatRfc3339(*ms) : "";
}

// ---- actions ------------------------------------------------------------

struct ActionContext {
  db::Conn& c;
  const auth::Principal& who;
  Body& b;
  Hazard& h;  // the new state, filled in by the action
  int64_t now;
  std::string comment;
  std::vector<org::StoredFile> files;
  std::string file_phase;
};

void DoVerify(ActionContext& a) {
  auto level = a.b.Str("level");
  auto category = a.b.Str("category");
  auto kind = a.b.Str("kind");
  auto department = a.b.Int("department_id");
  auto comment = a.b.Str("comment", false, kMaxText);
  auto criteria = ReadMajorCriteria(a.c, a.b);
  if (ForcesMajor(criteria)) level = "major";
  CheckEnum(a.b, "level", level, Levels());
  CheckEnum(a.b, "kind", kind, Kinds());
  CheckCategory(a.c, a.b, category);
  if (!level && !a.h.level) a.b.Fail("level", "请核定隐患等级 / required");
  if (!category && !a.h.category) a.b.Fail("category", "请选择隐患类别 / required");
  if (department) {
    auto unit = org::FindOrgUnit(a.c, *department);
    if (!unit || !Holds(a.who, "hazard.view", unit->id)) {
      a.b.Fail("department_id", "单位不存在 / org unit not found");
    }
  }
  a.b.Done({"version", "level", "category", "kind", "department_id", "comment", "major_criteria"});
  if (criteria) a.h.major_criteria_json = criteria;
  if (level) a.h.level = level;
  if (category) a.h.category = category;
  if (a.h.level == "major" && !a.h.supervised) {  // DOMAIN.md: a major hazard is supervised
    a.h.supervised = true;
    a.h.supervise_note = "重大隐患自动挂牌督办 / a major hazard is supervised automatically";
    a.h.supervised_by = a.who.user_id;
  }
  if (kind) a.h.kind = *kind;
  if (department) a.h.department_id = department;
  a.comment = comment.value_or("");
}

void DoDismiss(ActionContext& a) {
  auto reason = a.b.Str("reason", true, kMaxText);
  auto duplicate_of = a.b.Int("duplicate_of");
  if (duplicate_of) {
    auto other = FindHazard(a.c, *duplicate_of);
    if (!other || *duplicate_of == a.h.id || !Holds(a.who, "hazard.view", other->org_unit_id)) {
      a.b.Fail("duplicate_of", "隐患不存在 / hazard not found");
    }
  }
  a.b.Done({"version", "reason", "duplicate_of"});
  a.h.dismiss_reason = reason;
  a.h.duplicate_of = duplicate_of;
  a.h.closed_at = a.now;
  a.comment = *reason;
}

void DoPlan(ActionContext& a) {
  boost::json::object plan;
  for (auto part : PlanParts()) {
    auto v = a.b.Str(part, true, kMaxText);
    if (v) plan[part] = *v;
  }
  auto stop = a.b.Str("production_stop", true);
  CheckEnum(a.b, "production_stop", stop, {"none", "partial", "full"});
  auto deadline = a.b.Time("deadline");
  auto reported_at = a.b.Time("authority_reported_at");
  auto receiver = a.b.Str("authority_receiver");
  auto document = a.b.Str("authority_document", false, 1000);
  if (deadline && *deadline <= a.now) a.b.Fail("deadline", "应晚于现在 / must be in the future");
  a.files = ReadableFiles(a.c, a.who, a.b, "file_ids", a.b.IntList("file_ids"));
  a.b.Done({"version", "goal_tasks", "methods_measures", "funds_materials", "organisation_people",
            "time_limits", "safety_emergency", "production_stop", "deadline",
            "authority_reported_at", "authority_receiver", "authority_document", "file_ids"});
  plan["deadline"] = OptTimeJson(deadline);
  a.h.plan_json = boost::json::serialize(plan);
  a.h.production_stop = stop;
  if (reported_at || receiver || document) {
    boost::json::object report;
    report["reported_at"] = OptTimeJson(reported_at);
    report["receiver"] = OptJson(receiver);
    report["document"] = OptJson(document);
    a.h.authority_report_json = boost::json::serialize(report);
  }
  a.file_phase = "plan";
}

std::optional<int64_t> PlanDeadline(const Hazard& h) {
  auto plan = ParsedOrNull(h.plan_json);
  if (!plan.is_object()) return std::nullopt;
  const auto* d = plan.as_object().if_contains("deadline");
  if (!d || !d->is_string()) return std::nullopt;
  return ParseRfc3339(d->as_string());
}

void DoAssign(ActionContext& a) {
  auto owner_id = a.b.Int("owner_id", true);
  auto deadline = a.b.Time("deadline");
  auto measures = a.b.Str("measures", false, kMaxText);
  auto department = a.b.Int("department_id");
  if (owner_id) {
    auto row = a.c.QueryOne("SELECT org_unit_id, active FROM users WHERE id = ?", {*owner_id});
    if (!row || !Holds(a.who, "hazard.assign", row->Int(0))) {
      a.b.Fail("owner_id", "用户不存在 / user not found");
    } else if (!row->Bool(1)) {
      a.b.Fail("owner_id", "用户已停用 / user is inactive");
    }
  }
  if (department) {
    auto unit = org::FindOrgUnit(a.c, *department);
    if (!unit || !Holds(a.who, "hazard.view", unit->id)) {
      a.b.Fail("department_id", "单位不存在 / org unit not found");
    }
  }
  if (deadline && *deadline <= a.now) a.b.Fail("deadline", "应晚于现在 / must be in the future");
  if (!deadline) {
    if (auto hours = DefaultDeadlineHours(a.c, a.h.org_unit_id, a.h.level.value_or(""))) {
      deadline = a.now + *hours * kHourMs;
    } else {
      deadline = PlanDeadline(a.h);
    }
    if (!deadline) {
      a.b.Fail("deadline",
               "请填写整改期限（重大隐患按治理方案）/ required (a major hazard's "
               "deadline comes from its plan)");
    }
  }
  a.b.Done({"version", "owner_id", "deadline", "measures", "department_id"});
  a.h.owner_id = owner_id;
  a.h.assigner_id = a.who.user_id;
  a.h.deadline = deadline;
  if (!a.h.original_deadline) a.h.original_deadline = deadline;
  if (measures) a.h.measures = *measures;
  if (department) a.h.department_id = department;
}

void DoProgress(ActionContext& a) {
  auto note = a.b.Str("note", true, kMaxText);
  a.files = ReadableFiles(a.c, a.who, a.b, "file_ids", a.b.IntList("file_ids"));
  a.b.Done({"version", "note", "file_ids"});
  a.comment = note.value_or("");
  a.file_phase = "report";
}

void DoExtendRequest(ActionContext& a) {
  auto deadline = a.b.Time("deadline", true);
  auto reason = a.b.Str("reason", true, kMaxText);
  if (deadline && a.h.deadline && *deadline <= *a.h.deadline) {
    a.b.Fail("deadline", "应晚于当前期限 / must be after the current deadline");
  }
  a.b.Done({"version", "deadline", "reason"});
  a.h.extension_deadline = deadline;
  a.h.extension_reason = reason;
  a.comment = *reason;
}

void DoExtendDecision(ActionContext& a, bool approve) {
  auto text = approve ? a.b.Str("comment", false, kMaxText) : a.b.Str("reason", true, kMaxText);
  a.b.Done({"version", approve ? "comment" : "reason"});
  if (approve) a.h.deadline = a.h.extension_deadline;  // original_deadline stays
  a.h.extension_deadline.reset();
  a.h.extension_reason.reset();
  a.comment = text.value_or("");
}

void DoSubmit(ActionContext& a) {
  auto note = a.b.Str("note", false, kMaxText);
  a.files = ReadableFiles(a.c, a.who, a.b, "file_ids", a.b.IntList("file_ids", true));
  if (std::none_of(a.files.begin(), a.files.end(), IsMedia)) {
    a.b.Fail("file_ids", "至少上传一张整改后照片 / at least one after photo");
  }
  a.b.Done({"version", "note", "file_ids"});
  a.h.review_round += 1;
  a.comment = note.value_or("");
  a.file_phase = "after";
}

void DoReview(ActionContext& a, const Caller& caller, bool approve) {
  auto text = approve ? a.b.Str("comment", false, kMaxText) : a.b.Str("reason", true, kMaxText);
  a.b.Done({"version", approve ? "comment" : "reason"});
  a.comment = text.value_or("");
  a.c.Insert(kInsertReview,
             {a.h.id, a.h.review_round, a.who.user_id, std::string(approve ? "approve" : "return"),
              int64_t{caller.superior}, a.comment, a.now});
  if (approve && a.h.state == "closed") a.h.closed_at = a.now;
}

void DoSupervise(ActionContext& a) {
  auto note = a.b.Str("note", true, kMaxText);
  auto target = a.b.Time("target_date");
  a.b.Done({"version", "note", "target_date"});
  a.h.supervised = true;
  a.h.supervise_note = note;
  if (target) a.h.supervise_target_at = target;
  a.h.supervised_by = a.who.user_id;
  a.comment = note.value_or("");
}

boost::json::object TransitionDetails(const Hazard& h) {
  boost::json::array allowed;
  for (const auto& s : TableActions(h.state))
    allowed.push_back(boost::json::string(s));
  return {{"state", h.state}, {"allowed_actions", std::move(allowed)}};
}

}  // namespace

bool Hazard::Overdue(int64_t now) const {
  return (state == "rectifying" || state == "pending_review") && deadline && *deadline < now;
}

bool Hazard::DueSoon(int64_t now) const {
  return (state == "rectifying" || state == "pending_review") && deadline && *deadline >= now &&
         *deadline - now <= kDueSoonMs;
}

const std::vector<std::pair<std::string_view, std::string_view>>& HazardSortFields() {
  static const std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"id", "h.id"},
      {"code", "h.code"},
      {"found_at", "h.found_at"},
      {"deadline", "h.deadline"},
      {"level", "h.level"},
      {"state", "h.state"},
      {"title", "h.title"},
      {"updated_at", "h.updated_at"},
      {"created_at", "h.created_at"}};
  return fields;
}

std::optional<Hazard> FindHazard(db::Conn& c, int64_t id) {
  auto row = c.QueryOne(std::string(kSelectHazard) + " WHERE h.id = ?", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

Hazard GetHazardInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id) {
  auto h = FindHazard(c, id);
  if (!h || !scope.Contains(h->org_unit_id)) throw NotFound("hazard");
  return *h;
}

ListResult ListHazards(db::Conn& c, const auth::AccessScope& scope, const HazardFilter& f,
                       const db::Page& page, int64_t now) {
  db::Where where;
  scope.Apply(where, "h.org_unit_id");
  AddFilter(where, f, now);
  ListResult out;
  for (const auto& row :
       c.Query(kSelectHazard + where.Sql() + page.Sql(), page.Bind(where.params()))) {
    out.items.push_back(FromRow(row));
  }
  const bool complete =
      page.Offset() == 0 && static_cast<int64_t>(out.items.size()) < page.page_size;
  out.total = complete ? static_cast<int64_t>(out.items.size())
                       : c.QueryInt(kCountHazards + where.Sql(), where.params()).value_or(0);
  return out;
}

boost::json::object Summary(db::Conn& c, const auth::AccessScope& scope, const HazardFilter& f,
                            int64_t user_id, int64_t now) {
  db::Where where;
  scope.Apply(where, "h.org_unit_id");
  AddFilter(where, f, now);
  const std::string base = kCountHazards + where.Sql();
  const std::string more = where.Sql().empty() ? " WHERE " : " AND ";
  auto count = [&](const std::string& clause, db::Params extra) {
    db::Params p = where.params();
    p.insert(p.end(), extra.begin(), extra.end());
    return c.QueryInt(base + more + clause, p).value_or(0);
  };

  boost::json::object by_state;
  for (auto st : States())
    by_state[st] = 0;
  db::Params params = where.params();
  for (const auto& r : c.Query(
           "SELECT h.state, COUNT(*) FROM hazards h" + where.Sql() + " GROUP BY h.state", params)) {
    by_state[r.Str(0)] = r.Int(1);
  }
  boost::json::object out;
  out["by_state"] = std::move(by_state);
  out["overdue"] = count(kOverdue, {now});
  out["due_soon"] = count(kDueSoon, {now, now + kDueSoonMs});
  out["supervised"] = count("h.supervised = 1 AND h.state NOT IN ('closed','dismissed')", {});
  out["mine"] = count("h.owner_id = ? AND h.state = 'rectifying'", {user_id});
  return out;
}

std::vector<Hazard> ExportHazards(db::Conn& c, const auth::AccessScope& scope,
                                  const HazardFilter& f, const std::string& order_by, int64_t now,
                                  int64_t limit) {
  db::Where where;
  scope.Apply(where, "h.org_unit_id");
  AddFilter(where, f, now);
  db::Params params = where.params();
  params.emplace_back(limit);
  std::vector<Hazard> out;
  for (const auto& row :
       c.Query(kSelectHazard + where.Sql() + " ORDER BY " + order_by + " LIMIT ?", params)) {
    out.push_back(FromRow(row));
  }
  return out;
}

std::vector<std::vector<std::string>> ExportRows(const std::vector<Hazard>& rows, int64_t now) {
  std::vector<std::vector<std::string>> out;
  out.push_back({"编号", "标题", "类型", "类别", "等级", "状态", "单位", "位置", "来源", "上报人",
                 "发现时间", "责任人", "整改期限", "原定期限", "超期", "督办"});
  for (const auto& h : rows) {
    out.push_back({h.code, h.title, h.kind, h.category_name.value_or(""), h.level.value_or(""),
                   h.state, h.org_unit_name, h.location_text, h.source, h.reporter_name,
                   FormatRfc3339(h.found_at), h.owner_name.value_or(""), TimeText(h.deadline),
                   TimeText(h.original_deadline), h.Overdue(now) ? "是" : "否",
                   h.supervised ? "是" : "否"});
  }
  return out;
}

std::string ToCsv(const std::vector<Hazard>& rows, int64_t now) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& cells : ExportRows(rows, now)) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out.push_back(',');
      out += CsvCell(cells[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string ToXlsx(const std::vector<Hazard>& rows, int64_t now) {
  return XlsxWorkbook(ExportRows(rows, now), "隐患");
}

boost::json::array ListMajorCriteria(db::Conn& c) {
  boost::json::array out;
  for (const auto& r : c.Query("SELECT code, text FROM hazard_major_criteria "
                               "WHERE active = 1 ORDER BY sort_order, code")) {
    out.push_back({{"code", r.Str(0)}, {"text", r.Str(1)}});
  }
  return out;
}

boost::json::array ListCategories(db::Conn& c, bool include_inactive) {
  boost::json::array out;
  const std::string sql = std::string(
                              "SELECT code, name, name_en, sort_order, active "
                              "FROM hazard_categories") +
                          (include_inactive ? "" : " WHERE active = 1") +
                          " ORDER BY sort_order, code";
  for (const auto& r : c.Query(sql)) {
    out.push_back({{"code", r.Str(0)},
                   {"name", r.Str(1)},
                   {"name_en", r.Str(2)},
                   {"sort_order", r.Int(3)},
                   {"active", r.Bool(4)}});
  }
  return out;
}

std::optional<int64_t> DefaultDeadlineHours(db::Conn& c, int64_t org_unit_id,
                                            const std::string& level) {
  std::vector<RuleHit> chain;
  if (auto unit = org::FindOrgUnit(c, org_unit_id)) {
    // path "/1/4/9/": nearest unit last; walk it backwards.
    std::vector<int64_t> ids;
    size_t pos = 0;
    while ((pos = unit->path.find('/', pos)) != std::string::npos) {
      const size_t end = unit->path.find('/', pos + 1);
      if (end == std::string::npos) break;
      const std::string part = unit->path.substr(pos + 1, end - pos - 1);
      if (!part.empty()) ids.push_back(std::stoll(part));
      pos = end;
    }
    if (ids.empty() || ids.back() != org_unit_id) ids.push_back(org_unit_id);
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
      auto row =
          c.QueryOne("SELECT hours FROM hazard_deadline_rules WHERE org_unit_id = ? AND level = ?",
                     {*it, level});
      chain.push_back(row ? RuleHit{true, row->OptInt(0)} : RuleHit{});
    }
  }
  auto fallback = c.QueryOne(
      "SELECT hours FROM hazard_deadline_rules WHERE org_unit_id IS NULL AND level = ?", {level});
  return ResolveDeadlineHours(chain, fallback ? fallback->OptInt(0) : std::nullopt);
}

ReportResult ReportHazard(db::Conn& c, const auth::Principal& who, Body& b) {
  const auth::AccessScope& scope = who.Require("hazard.report");
  auto client_id = b.Str("client_id", false, 100);
  if (client_id) {
    auto existing =
        c.QueryOne("SELECT id, reporter_id FROM hazards WHERE client_id = ?", {*client_id});
    if (existing) {
      if (existing->Int(1) != who.user_id) {
        throw Conflict("duplicate_client_id", "client_id 已被使用 / client_id is already in use");
      }
      return {*FindHazard(c, existing->Int(0)), false};
    }
  }

  const int64_t now = NowMs();
  Hazard h;
  h.title = b.Str("title", true, 200).value_or("");
  h.description = b.Str("description", false, kMaxText).value_or("");
  auto kind = b.Str("kind");
  auto category = b.Str("category");
  auto level = b.Str("level");
  auto source = b.Str("source");
  h.major_criteria_json = ReadMajorCriteria(c, b);
  if (ForcesMajor(h.major_criteria_json)) level = "major";
  CheckEnum(b, "kind", kind, Kinds());
  CheckEnum(b, "level", level, Levels());
  CheckEnum(b, "source", source, Sources());
  CheckCategory(c, b, category);
  h.kind = kind.value_or("condition");
  h.category = category;
  h.level = level;
  h.source = source.value_or("adhoc");
  h.source_ref = b.Str("source_ref", false, 200);
  h.location_text = b.Str("location_text", false, 500).value_or("");
  h.x = b.Real("x");
  h.y = b.Real("y");
  if (!org::IsFraction(h.x)) b.Fail("x", "应在 0 到 1 之间 / must be within 0..1");
  if (!org::IsFraction(h.y)) b.Fail("y", "应在 0 到 1 之间 / must be within 0..1");
  h.found_at = b.Time("found_at").value_or(now);
  if (h.found_at > now + 5 * kMinuteMs)
    b.Fail("found_at", "不能晚于现在 / may not be in the future");

  // Where: the point's unit and area, else the area's, else the unit given,
  // else the reporter's own unit.
  auto point_id = b.Int("point_id");
  auto area_id = b.Int("area_id");
  auto unit_id = b.Int("org_unit_id");
  h.org_unit_id = unit_id.value_or(who.org_unit_id);
  if (area_id) {
    auto area = org::FindArea(c, *area_id);
    if (!area || !scope.Contains(area->org_unit_id)) {
      b.Fail("area_id", "区域不存在 / area not found");
    } else {
      h.area_id = area->id;
      h.org_unit_id = area->org_unit_id;
    }
  }
  if (point_id) {
    auto point = org::FindPoint(c, *point_id);
    if (!point || !scope.Contains(point->org_unit_id)) {
      b.Fail("point_id", "巡检点不存在 / point not found");
    } else {
      h.point_id = point->id;
      h.org_unit_id = point->org_unit_id;
      if (!h.area_id) h.area_id = point->area_id;
      if (!h.x && !h.y) {
        h.x = point->x;
        h.y = point->y;
      }
    }
  }
  FieldErrors unit_errors;
  org::CheckRecordUnit(c, scope, h.org_unit_id, unit_errors);
  if (!unit_errors.empty()) b.Fail("org_unit_id", "单位不存在 / org unit not found");

  const auto before = ReadableFiles(c, who, b, "file_ids", b.IntList("file_ids"));
  auto after = ReadableFiles(c, who, b, "after_file_ids", b.IntList("after_file_ids"));
  h.fixed_on_spot = b.Bool("fixed_on_spot").value_or(false);
  if (h.fixed_on_spot) {
    if (h.level && *h.level != "minor") {
      b.Fail("level", "只有轻微隐患可当场整改 / only minor hazards are fixed on the spot");
    }
    if (!b.Has("after_file_ids")) after = before;  // the photos show the fixed state
    if (std::none_of(after.begin(), after.end(), IsMedia)) {
      b.Fail("after_file_ids", "请上传整改后照片 / an after photo is required");
    }
  }
  b.Done({"client_id", "title", "description", "kind", "category", "level", "source", "source_ref",
          "location_text", "x", "y", "found_at", "point_id", "area_id", "org_unit_id", "file_ids",
          "after_file_ids", "fixed_on_spot", "major_criteria"});

  h.state = "reported";
  if (h.fixed_on_spot) {
    h.level = "minor";
    h.state = "pending_review";
    h.owner_id = who.user_id;
    h.review_round = 1;
    const auto hours = DefaultDeadlineHours(c, h.org_unit_id, "minor").value_or(12);
    h.deadline = h.found_at + hours * kHourMs;
    h.original_deadline = h.deadline;
  }
  h.code = NextCode(c, h.org_unit_id, now);
  const int64_t id = c.Insert(kInsertHazard, {h.code,
                                              h.title,
                                              h.description,
                                              h.kind,
                                              db::Opt(h.category),
                                              db::Opt(h.level),
                                              h.org_unit_id,
                                              db::Opt(h.area_id),
                                              db::Opt(h.point_id),
                                              h.location_text,
                                              db::Opt(h.x),
                                              db::Opt(h.y),
                                              h.source,
                                              db::Opt(h.source_ref),
                                              who.user_id,
                                              h.found_at,
                                              h.state,
                                              int64_t{h.fixed_on_spot},
                                              db::Opt(h.owner_id),
                                              db::Opt(h.deadline),
                                              db::Opt(h.original_deadline),
                                              h.review_round,
                                              db::Opt(client_id),
                                              db::Opt(h.major_criteria_json),
                                              now,
                                              now});

  AttachFiles(c, id, before, "before", who.user_id, now);
  if (h.fixed_on_spot) AttachFiles(c, id, after, "after", who.user_id, now);
  std::vector<org::StoredFile> all = before;
  if (h.fixed_on_spot && b.Has("after_file_ids")) all.insert(all.end(), after.begin(), after.end());
  const Hazard created = *FindHazard(c, id);
  AppendHistory(c, who, id, h.fixed_on_spot ? "report_fixed" : "report", std::nullopt,
                created.state, h.description, {}, FileIdsJson(all), now);
  return {created, true};
}

std::pair<Hazard, Hazard> TakeAction(db::Conn& c, const auth::Principal& who, int64_t id,
                                     const std::string& action, Body& body) {
  const Hazard before = GetHazardInScope(c, who.Require("hazard.view"), id);
  if (!IsOneOf(Actions(), action)) throw NotFound("action");

  auto version = body.Int("version", true);
  if (!version) body.Done();
  if (*version != before.version) throw org::VersionConflict();

  const Caller caller = CallerFor(c, who, before);
  const Decision d = Decide(FactsOf(c, before), caller, action);
  switch (d.outcome) {
    case Outcome::kInvalidTransition:
      throw Conflict("invalid_transition", d.message, TransitionDetails(before));
    case Outcome::kForbidden:
      throw ApiError(403, d.code, d.message);
    case Outcome::kPreconditionFailed:
      throw Conflict(d.code, d.message, TransitionDetails(before));
    case Outcome::kAllowed:
      break;
  }

  const int64_t now = NowMs();
  Hazard after = before;
  after.state = d.next_state;
  ActionContext a{c, who, body, after, now, "", {}, ""};
  if (action == "verify")
    DoVerify(a);
  else if (action == "dismiss")
    DoDismiss(a);
  else if (action == "plan")
    DoPlan(a);
  else if (action == "assign")
    DoAssign(a);
  else if (action == "progress")
    DoProgress(a);
  else if (action == "extend_request")
    DoExtendRequest(a);
  else if (action == "extend_approve")
    DoExtendDecision(a, true);
  else if (action == "extend_refuse")
    DoExtendDecision(a, false);
  else if (action == "submit")
    DoSubmit(a);
  else if (action == "approve")
    DoReview(a, caller, true);
  else if (action == "return")
    DoReview(a, caller, false);
  else if (action == "supervise")
    DoSupervise(a);

  Save(c, after, before.version, now);
  if (!a.file_phase.empty()) AttachFiles(c, id, a.files, a.file_phase, who.user_id, now);
  const Hazard saved = *FindHazard(c, id);
  AppendHistory(c, who, id, action, before.state, saved.state, a.comment, Changes(before, saved),
                FileIdsJson(a.files), now);
  return {before, saved};
}

boost::json::object ToJson(const Hazard& h, int64_t now) {
  boost::json::object o;
  o["id"] = h.id;
  o["code"] = h.code;
  o["title"] = h.title;
  o["description"] = h.description;
  o["kind"] = h.kind;
  o["category"] = OptJson(h.category);
  o["category_name"] = OptJson(h.category_name);
  o["level"] = OptJson(h.level);
  o["org_unit_id"] = h.org_unit_id;
  o["org_unit_name"] = h.org_unit_name;
  o["area_id"] = OptJson(h.area_id);
  o["point_id"] = OptJson(h.point_id);
  o["location_text"] = h.location_text;
  o["x"] = OptReal(h.x);
  o["y"] = OptReal(h.y);
  o["source"] = h.source;
  o["source_ref"] = OptJson(h.source_ref);
  o["reporter_id"] = h.reporter_id;
  o["reporter_name"] = h.reporter_name;
  o["found_at"] = FormatRfc3339(h.found_at);
  o["state"] = h.state;
  o["fixed_on_spot"] = h.fixed_on_spot;
  o["owner_id"] = OptJson(h.owner_id);
  o["owner_name"] = OptJson(h.owner_name);
  o["department_id"] = OptJson(h.department_id);
  o["assigner_id"] = OptJson(h.assigner_id);
  o["measures"] = h.measures;
  o["deadline"] = OptTimeJson(h.deadline);
  o["original_deadline"] = OptTimeJson(h.original_deadline);
  if (h.extension_deadline) {
    o["extension_request"] = {{"deadline", FormatRfc3339(*h.extension_deadline)},
                              {"reason", OptJson(h.extension_reason)}};
  } else {
    o["extension_request"] = nullptr;
  }
  o["review_round"] = h.review_round;
  o["supervised"] = h.supervised;
  if (h.supervised) {
    o["supervision"] = {{"note", OptJson(h.supervise_note)},
                        {"target_at", OptTimeJson(h.supervise_target_at)},
                        {"by", OptJson(h.supervised_by)}};
  } else {
    o["supervision"] = nullptr;
  }
  o["plan"] = ParsedOrNull(h.plan_json);
  o["production_stop"] = OptJson(h.production_stop);
  o["authority_report"] = ParsedOrNull(h.authority_report_json);
  o["duplicate_of"] = OptJson(h.duplicate_of);
  o["dismiss_reason"] = OptJson(h.dismiss_reason);
  o["major_criteria"] = h.major_criteria_json ? ParsedOrNull(h.major_criteria_json)
                                              : boost::json::value(boost::json::array());
  o["closed_at"] = OptTimeJson(h.closed_at);
  o["client_id"] = OptJson(h.client_id);
  o["version"] = h.version;
  o["created_at"] = FormatRfc3339(h.created_at);
  o["updated_at"] = FormatRfc3339(h.updated_at);
  if (now) {
    o["overdue"] = h.Overdue(now);
    o["due_soon"] = h.DueSoon(now);
  }
  return o;
}

boost::json::object DetailJson(db::Conn& c, const auth::Principal& who, const Hazard& h,
                               int64_t now) {
  boost::json::object o = ToJson(h, now);

  boost::json::array history;
  for (const auto& r : c.Query("SELECT action, actor_id, actor_name, at, from_state, to_state, "
                               "comment, changes, file_ids FROM hazard_history "
                               "WHERE hazard_id = ? ORDER BY id",
                               {h.id})) {
    history.push_back({{"action", r.Str(0)},
                       {"actor_id", OptJson(r.OptInt(1))},
                       {"actor_name", r.Str(2)},
                       {"at", FormatRfc3339(r.Int(3))},
                       {"from_state", OptJson(r.OptStr(4))},
                       {"to_state", r.Str(5)},
                       {"comment", r.Str(6)},
                       {"changes", ParsedOrNull(r.Str(7))},
                       {"file_ids", ParsedOrNull(r.Str(8))}});
  }
  o["history"] = std::move(history);

  boost::json::array files;
  for (const auto& r : c.Query("SELECT hf.file_id, hf.phase, f.content_type, f.original_name, "
                               "f.width, f.height, hf.added_at FROM hazard_files hf "
                               "JOIN files f ON f.id = hf.file_id WHERE hf.hazard_id = ? "
                               "ORDER BY hf.added_at, hf.file_id",
                               {h.id})) {
    files.push_back({{"file_id", r.Int(0)},
                     {"phase", r.Str(1)},
                     {"content_type", r.Str(2)},
                     {"original_name", r.Str(3)},
                     {"width", OptJson(r.OptInt(4))},
                     {"height", OptJson(r.OptInt(5))},
                     {"added_at", FormatRfc3339(r.Int(6))},
                     {"url", fmt::format("/api/v1/files/{}", r.Int(0))}});
  }
  o["files"] = std::move(files);

  boost::json::array reviews;
  for (const auto& r : c.Query("SELECT rv.round, rv.reviewer_id, u.display_name, rv.decision, "
                               "rv.superior, rv.comment, rv.at FROM hazard_reviews rv "
                               "JOIN users u ON u.id = rv.reviewer_id WHERE rv.hazard_id = ? "
                               "ORDER BY rv.id",
                               {h.id})) {
    reviews.push_back({{"round", r.Int(0)},
                       {"reviewer_id", r.Int(1)},
                       {"reviewer_name", r.Str(2)},
                       {"decision", r.Str(3)},
                       {"superior", r.Bool(4)},
                       {"comment", r.Str(5)},
                       {"at", FormatRfc3339(r.Int(6))}});
  }
  o["reviews"] = std::move(reviews);

  boost::json::array allowed;
  for (const auto& a : AllowedActions(FactsOf(c, h), CallerFor(c, who, h))) {
    allowed.push_back(boost::json::string(a));
  }
  o["allowed_actions"] = std::move(allowed);
  return o;
}

std::string NoticeHtml(db::Conn& c, const Hazard& h) {
  auto level_name = [](const std::optional<std::string>& l) -> std::string {
    if (!l) return "未定级";
    if (*l == "major") return "重大";
    if (*l == "serious") return "较大";
    if (*l == "general") return "一般";
    return "轻微";
  };
  std::string assigner;
  if (h.assigner_id) {
    auto row = c.QueryOne("SELECT display_name FROM users WHERE id = ?", {*h.assigner_id});
    if (row) assigner = row->Str(0);
  }
  std::string out =
      "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<title>隐患整改通知单 " +
      HtmlEscape(h.code) +
      "</title><style>"
      "body{font-family:sans-serif;margin:2cm}table{border-collapse:collapse;width:100%}"
      "td,th{border:1px solid #000;padding:6px;text-align:left;vertical-align:top}"
      "th{width:22%;background:#f3f3f3}h1{text-align:center}"
      "@media print{body{margin:1cm}}</style></head><body><h1>隐患整改通知单</h1><table>";
  auto row = [&](std::string_view label, const std::string& value) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>", label, HtmlEscape(value));
  };
  row("编号", h.code);
  row("隐患名称", h.title);
  row("隐患描述", h.description);
  row("隐患等级", level_name(h.level));
  row("类别", h.category_name.value_or(""));
  row("所在单位", h.org_unit_name);
  row("具体位置", h.location_text);
  row("发现时间", FormatRfc3339(h.found_at));
  row("上报人", h.reporter_name);
  row("整改责任人", h.owner_name.value_or(""));
  row("整改措施要求", h.measures);
  row("整改期限", TimeText(h.deadline));
  row("下达人", assigner);
  row("当前状态", h.state);
  out +=
      "</table><p>请责任人按期完成整改，并上传整改后照片提交复核。</p>"
      "<p style=\"margin-top:3em\">签收人：__________ &nbsp; 日期：__________</p>"
      "</body></html>";
  return out;
}

std::string ArchiveHtml(db::Conn& c, const Hazard& h) {
  std::string out = NoticeHtml(c, h);
  out.erase(out.rfind("<p>请责任人"));
  constexpr std::string_view kHeading = "<h1>隐患整改通知单</h1>";
  const auto pos = out.find(kHeading);
  if (pos != std::string::npos) out.replace(pos, kHeading.size(), "<h1>隐患闭环档案</h1>");
  out +=
      "<h2>处理过程</h2><table><tr><th>时间</th><th>操作人</th><th>操作</th><th>状态</th>"
      "<th>说明</th></tr>";
  for (const auto& r : c.Query("SELECT at, actor_name, action, from_state, to_state, comment "
                               "FROM hazard_history WHERE hazard_id = ? ORDER BY id",
                               {h.id})) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
                       FormatRfc3339(r.Int(0)), HtmlEscape(r.Str(1)), HtmlEscape(r.Str(2)),
                       HtmlEscape(r.Str(3)), HtmlEscape(r.Str(4)), HtmlEscape(r.Str(5)));
  }
  out += "</table><h2>证据</h2><div>";
  for (const auto& r : c.Query("SELECT hf.file_id, hf.phase, f.content_type, f.original_name "
                               "FROM hazard_files hf JOIN files f ON f.id = hf.file_id "
                               "WHERE hf.hazard_id = ? ORDER BY hf.added_at, hf.file_id",
                               {h.id})) {
    const std::string url = fmt::format("/api/v1/files/{}", r.Int(0));
    if (r.Str(2).starts_with("image/")) {
      out += fmt::format(
          "<figure style=\"display:inline-block;margin:6px\"><img src=\"{}\" "
          "style=\"max-width:7cm;max-height:7cm\" alt=\"{}\"><figcaption>{}"
          "</figcaption></figure>",
          url, HtmlEscape(r.Str(3)), HtmlEscape(r.Str(1)));
    } else {
      out += fmt::format("<p><a href=\"{}\">{}</a> ({})</p>", url, HtmlEscape(r.Str(3)),
                         HtmlEscape(r.Str(1)));
    }
  }
  out += "</div></body></html>";
  return out;
}

}  // namespace anxun::hazard
