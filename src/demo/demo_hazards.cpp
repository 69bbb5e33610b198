#include "demo/demo_hazards.h"

#include "common/clock.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace anxun::demo {
namespace {

constexpr int kCount = 120;
constexpr int kDays = 90;

struct Plant {
  const char* code;
  const char* inspector;
  const char* safety;
  const char* head;
  const char* owner;
};

const Plant kPlants[] = {{"HG1", "inspector", "safety", "head", "owner"},
                         {"JG", "jg_inspector", "jg_safety", "jg_head", "jg_owner"}};

struct Sample {
  const char* title;
  const char* description;
  const char* category;
  const char* kind;
};

const Sample kSamples[] = {
    {"消防通道被叉车占用", "储罐区东侧消防通道停放叉车，影响消防车通行", "fire", "condition"},
    {"灭火器压力不足", "2# 灭火器压力表指针处于红区", "fire", "condition"},
    {"配电柜门未关闭", "配电室 3# 柜门敞开，无警示标识", "electrical", "condition"},
    {"临时用电线路私拉乱接", "检修区临时线缆未架空，绝缘层破损", "electrical", "condition"},
    {"危化品库房混存", "氧化剂与易燃液体未分区存放", "hazchem", "condition"},
    {"动火作业未办理作业票", "焊工在管廊动火，现场未见动火作业票", "hot_work", "violation"},
    {"受限空间作业未检测气体", "进入储罐前未进行氧含量检测", "confined_space", "violation"},
    {"高处作业未系安全带", "平台检修人员未系挂安全带", "height", "violation"},
    {"未佩戴防护眼镜", "打磨作业人员未佩戴护目镜", "ppe", "violation"},
    {"通道堆放杂物", "车间主通道堆放包装箱", "housekeeping", "condition"},
    {"安全阀校验过期", "SV-101 安全阀校验有效期已过", "equipment", "condition"},
    {"洗眼器水压不足", "应急洗眼器出水压力低", "other", "condition"},
};

const char* const kLevels[] = {"general", "minor",   "serious", "general",
                               "minor",   "general", "serious", "general"};
const char* const kSources[] = {"inspection", "camera", "sensor", "adhoc", "spot_check"};

int64_t LevelHours(const std::string& level) {
  if (level == "serious") return 720;
  if (level == "minor") return 12;
  return 168;
}

std::optional<int64_t> UserId(db::Conn& c, const char* username) {
  return c.QueryInt("SELECT id FROM users WHERE username = ?", {std::string(username)});
}

std::string DayText(int64_t ms) {
  std::string d = FormatRfc3339(ms + 8 * kHourMs).substr(0, 10);
  return d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
}

struct Step {
  std::string action;
  int64_t actor;
  int64_t at;
  std::string from;
  std::string to;
  std::string comment;
};

struct Demo {
  db::Conn& c;
  std::map<std::string, int> per_day;

  std::string NextCode(const char* plant, int64_t at) {
    const std::string prefix = fmt::format("YH-{}-{}-", plant, DayText(at));
    return prefix + std::to_string(++per_day[prefix]);
  }

  void History(int64_t hazard_id, const Step& s) {
    c.Exec(
        "INSERT INTO hazard_history (hazard_id, action, actor_id, actor_name, at, from_state, "
        "to_state, comment) VALUES (?, ?, ?, (SELECT display_name FROM users WHERE id = ?), "
        "?, ?, ?, ?)",
        {hazard_id, s.action, s.actor, s.actor, s.at,
         s.from.empty() ? db::Null() : db::Value(s.from), s.to, s.comment});
  }

  void Review(int64_t hazard_id, int round, int64_t who, const char* decision, bool superior,
              const std::string& comment, int64_t at) {
    c.Exec(
        "INSERT INTO hazard_reviews (hazard_id, round, reviewer_id, decision, superior, "
        "comment, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {hazard_id, int64_t{round}, who, std::string(decision), int64_t{superior}, comment, at});
  }
};

}  // namespace

int64_t LoadDemoHazards(db::Conn& c) {
  const int64_t now = NowMs();
  auto manager = UserId(c, "manager");
  if (!manager) return 0;
  Demo demo{c, {}};
  int64_t created = 0;

  for (int i = 0; i < kCount; ++i) {
    const Plant& plant = kPlants[i % 3 == 2 ? 1 : 0];
    auto inspector = UserId(c, plant.inspector);
    auto safety = UserId(c, plant.safety);
    auto head = UserId(c, plant.head);
    auto owner = UserId(c, plant.owner);
    auto unit = c.QueryInt("SELECT id FROM org_units WHERE code = ?", {std::string(plant.code)});
    if (!inspector || !safety || !head || !owner || !unit) return created;
    auto point = c.QueryOne(
        "SELECT p.id, p.org_unit_id, p.area_id, p.x, p.y FROM points p JOIN org_units u "
        "ON u.id = p.org_unit_id, org_units r WHERE r.id = ? AND u.path LIKE r.path || '%' "
        "ORDER BY p.id LIMIT 1 OFFSET ?",
        {*unit, int64_t{i % 7}});
    if (!point) return created;

    const Sample& s = kSamples[i % std::size(kSamples)];
    const bool major = i == 7;
    const std::string level = major ? "major" : kLevels[i % std::size(kLevels)];
    const int64_t found = now - (kDays - i * kDays / kCount) * kDayMs + (i % 9) * kHourMs;
    const int64_t age_days = (now - found) / kDayMs;

    // Where this one stopped: old ones are mostly closed; recent ones spread
    // over every state.
    std::string target;
    const char* recent[] = {"reported", "verified", "rectifying", "pending_review", "closed"};
    if (major)
      target = "rectifying";
    else if (i % 17 == 0)
      target = "dismissed";
    else if (age_days > 30)
      target = i % 11 == 0 ? "rectifying" : "closed";
    else
      target = recent[i % 5];
    if (target == "dismissed" && i % 2) target = "closed";

    std::vector<Step> steps;
    std::string state = "reported";
    auto step = [&](std::string action, int64_t actor, int64_t at, std::string to,
                    std::string comment = "") {
      steps.push_back({std::move(action), actor, at, state, to, std::move(comment)});
      state = to;
    };
    steps.push_back({"report", *inspector, found, "", "reported", s.description});

    std::optional<int64_t> owner_id, deadline, original, closed_at, ext_deadline;
    std::optional<std::string> ext_reason, dismiss_reason, plan, stop, authority, sup_note;
    std::optional<int64_t> sup_by, sup_target;
    int round = 0;
    struct Rv {
      int round;
      int64_t who;
      const char* decision;
      bool superior;
      std::string c;
      int64_t at;
    };
    std::vector<Rv> reviews;

    if (target == "dismissed") {
      dismiss_reason = "经核实不构成隐患";
      closed_at = found + 3 * kHourMs;
      step("dismiss", *safety, *closed_at, "dismissed", *dismiss_reason);
    } else if (target != "reported") {
      step("verify", *safety, found + 2 * kHourMs, "verified", "情况属实");
      if (major) {
        plan = boost::json::serialize(boost::json::object{
            {"goal_tasks", "恢复储罐区可燃气体检测报警与紧急切断联锁"},
            {"methods_measures", "更换失效探头，增设 SIS 联锁"},
            {"funds_materials", "专项资金 48 万元"},
            {"organisation_people", "设备部牵头，刘海负责"},
            {"time_limits", "45 天"},
            {"safety_emergency", "便携式检测仪 24 小时监测，专人监护，应急预案演练"},
            {"deadline", FormatRfc3339(found + 45 * kDayMs)}});
        stop = "partial";
        authority = fmt::format(
            R"({{"reported_at":"{}","receiver":"区应急管理局","document":"安报〔2026〕12 号"}})",
            FormatRfc3339(found + 6 * kHourMs));
        step("plan", *safety, found + 3 * kHourMs, "verified", "治理方案已制定");
        sup_note = "重大隐患挂牌督办";
        sup_by = *manager;
        step("supervise", *manager, found + 3 * kHourMs + 30 * kMinuteMs, "verified", *sup_note);
      }
      if (target != "verified") {
        const int64_t assigned = found + 4 * kHourMs;
        owner_id = *owner;
        deadline = major ? found + 45 * kDayMs : assigned + LevelHours(level) * kHourMs;
        original = deadline;
        step("assign", *head, assigned, "rectifying", "请按期整改");
        if (i % 13 == 4) {  // extended
          ext_deadline = *deadline + 5 * kDayMs;
          step("extend_request", *owner, assigned + kDayMs, "rectifying", "备件未到货");
          deadline = ext_deadline;
          ext_deadline.reset();
          step("extend_approve", *head, assigned + kDayMs + 2 * kHourMs, "rectifying", "同意延期");
        }
        if (level == "serious" && target == "rectifying" && !major) {
          sup_note = "限期整改，每周报告进展";
          sup_by = *manager;
          sup_target = *deadline;
          step("supervise", *manager, assigned + 2 * kHourMs, "rectifying", *sup_note);
        }
        if (target == "pending_review" || target == "closed") {
          const int64_t span = std::max<int64_t>(kHourMs, (*deadline - assigned) / 3);
          int64_t t = std::min(assigned + span, now - kHourMs);
          round = 1;
          step("submit", *owner, t, "pending_review", "已整改完毕");
          if (target == "closed" && i % 7 == 3) {  // returned once
            reviews.push_back({round, *head, "return", false, "整改不彻底", t + kHourMs});
            step("return", *head, t + kHourMs, "rectifying", "整改不彻底");
            t += 2 * kHourMs;
            round = 2;
            step("submit", *owner, t, "pending_review", "已重新整改");
          }
          if (target == "closed") {
            const int64_t at1 = std::min(t + kHourMs, now - 30 * kMinuteMs);
            reviews.push_back({round, *head, "approve", false, "复核合格", at1});
            const bool two = level == "serious";
            step("approve", *head, at1, two ? "pending_review" : "closed", "复核合格");
            closed_at = at1;
            if (two) {
              const int64_t at2 = std::min(at1 + kHourMs, now - 10 * kMinuteMs);
              reviews.push_back({round, *manager, "approve", true, "同意销号", at2});
              step("approve", *manager, at2, "closed", "同意销号");
              closed_at = at2;
            }
          }
        }
      }
    }

    const int64_t id = c.Insert(
        "INSERT INTO hazards (code, title, description, kind, category, level, org_unit_id, "
        "area_id, point_id, location_text, x, y, source, reporter_id, found_at, state, owner_id, "
        "assigner_id, measures, deadline, original_deadline, review_round, supervised, "
        "supervise_note, supervise_target_at, supervised_by, plan_json, production_stop, "
        "authority_report_json, dismiss_reason, closed_at, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {demo.NextCode(plant.code, found),
         std::string(s.title),
         std::string(s.description),
         std::string(s.kind),
         std::string(major ? "hazchem" : s.category),
         level,
         point->Int(1),
         point->At(2),
         point->Int(0),
         point->At(3),
         point->At(4),
         std::string(kSources[i % std::size(kSources)]),
         *inspector,
         found,
         state,
         db::Opt(owner_id),
         owner_id ? db::Value(*head) : db::Null(),
         std::string(owner_id ? "按规范整改并拍照上传" : ""),
         db::Opt(deadline),
         db::Opt(original),
         int64_t{round},
         int64_t{sup_by.has_value()},
         db::Opt(sup_note),
         db::Opt(sup_target),
         db::Opt(sup_by),
         db::Opt(plan),
         db::Opt(stop),
         db::Opt(authority),
         db::Opt(dismiss_reason),
         db::Opt(closed_at),
         static_cast<int64_t>(steps.size()),
         found,
         steps.back().at});
    for (const auto& st : steps)
      demo.History(id, st);
    for (const auto& r : reviews)
      demo.Review(id, r.round, r.who, r.decision, r.superior, r.c, r.at);
    ++created;
  }
  return created;
}

}  // namespace anxun::demo
