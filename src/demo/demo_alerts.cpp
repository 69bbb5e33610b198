#include "demo/demo_alerts.h"

#include "alert/channels.h"
#include "alert/store.h"
#include "common/clock.h"
#include "common/json.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace anxun::demo {
namespace {

constexpr int kDays = 90;
constexpr uint32_t kSeed = 20250501;
constexpr int64_t kLocalOffsetMs = 8 * kHourMs;  // Asia/Shanghai
constexpr int64_t kRecentMs = 2 * kDayMs;        // younger alerts may stay open

// Relative weight of each local hour for work-driven detections.
constexpr int kWorkHours[24] = {1, 1, 1,  1,  1, 1, 2, 4, 9, 10, 10, 8,
                                5, 8, 10, 10, 9, 6, 3, 2, 2, 1,  1,  1};

// A camera watching one area, and where it sits.
struct Camera {
  std::string id;  // "HG1-CAM-03"
  std::string plant;
  int64_t org_unit_id = 0;
  int64_t area_id = 0;
  int64_t point_id = 0;
  std::string area_name;
  std::string risk;  // the area's risk level
};

struct Sensor {
  std::string tag;  // "GD-01"
  std::string plant;
  int64_t org_unit_id = 0;
  int64_t area_id = 0;
  int64_t point_id = 0;
};

enum class Fate { kOpen, kAcknowledged, kResolved, kRejected, kHazard, kSourceResolved };

// A burst of events with one cause, and what the people did about it.
struct Episode {
  std::vector<alert::Incoming> events;  // in time order
  std::string plant;
  Fate fate = Fate::kOpen;
  int64_t ack_at = 0;    // 0: not acknowledged
  int64_t close_at = 0;  // resolve, reject, hazard or the source's all-clear
  std::string note;      // resolution note or rejection reason
  int64_t hazard_id = 0;
  int64_t alert_id = 0;  // the alert the first counted event landed in
};

// One step of the replay: an event (index >= 0) or a person's action.
enum class StepKind { kEvent, kAcknowledge, kClose };
struct Step {
  int64_t at;
  size_t episode;
  StepKind kind;
  size_t event = 0;
};

class Random {
 public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  int64_t Below(int64_t n) { return static_cast<int64_t>(gen_() % static_cast<uint32_t>(n)); }
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }
  bool Percent(int p) { return Below(100) < p; }
  double Real(double lo, double hi, int digits = 2) {
    const double scale = digits == 1 ? 10.0 : 100.0;
    return std::round((lo + (hi - lo) * static_cast<double>(Below(10001)) / 10000.0) * scale) /
           scale;
  }
  int Hour(const int (&weights)[24]) {
    int total = 0;
    for (int w : weights)
      total += w;
    int64_t r = Below(total);
    for (int h = 0; h < 24; ++h) {
      if (r < weights[h]) return h;
      r -= weights[h];
    }
    return 12;
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(static_cast<int64_t>(N))];
  }

 private:
  std::mt19937 gen_;
};

std::string PlantOf(const std::string& unit_code) {
  return unit_code.substr(0, unit_code.find('-'));
}

struct World {
  int64_t now = 0;
  std::vector<Camera> cameras;
  std::vector<Sensor> sensors;
  std::map<std::string, int64_t> safety;  // plant -> the user who handles its alerts
  std::optional<int64_t> inspector;       // who raises manual alarms

  int64_t Handler(const std::string& plant) const {
    auto it = safety.find(plant);
    return it != safety.end() ? it->second : safety.at("HG1");
  }
};

World LoadWorld(db::Conn& c) {
  World w;
  w.now = NowMs();
  std::map<std::string, int> per_plant;
  std::map<int64_t, size_t> area_camera;
  for (const auto& r :
       c.Query("SELECT p.id, p.org_unit_id, p.area_id, p.name, a.name, a.risk_level, u.code "
               "FROM points p JOIN areas a ON a.id = p.area_id JOIN org_units u "
               "ON u.id = p.org_unit_id ORDER BY p.id")) {
    const std::string plant = PlantOf(r.Str(6));
    const int64_t area = r.Int(2);
    if (!area_camera.count(area)) {
      area_camera[area] = w.cameras.size();
      w.cameras.push_back({fmt::format("{}-CAM-{:02}", plant, ++per_plant[plant]), plant, r.Int(1),
                           area, r.Int(0), r.Str(4), r.Str(5)});
    }
    const std::string name = r.Str(3);
    const auto gd = name.find("GD-");
    if (name.find("气体") != std::string::npos && gd != std::string::npos)
      w.sensors.push_back({name.substr(gd), plant, r.Int(1), area, r.Int(0)});
  }
  for (const auto& [plant, user] :
       {std::pair{"HG1", "safety"}, std::pair{"JG", "jg_safety"}, std::pair{"WL", "manager"}}) {
    if (auto id = c.QueryInt("SELECT id FROM users WHERE username = ?", {std::string(user)}))
      w.safety[plant] = *id;
  }
  w.inspector = c.QueryInt("SELECT id FROM users WHERE username = 'inspector'");
  return w;
}

// The instant `hour:minute` local time, `days_ago` days before today.
int64_t LocalTime(int64_t now, int days_ago, int hour, int minute) {
  const int64_t midnight = ((now + kLocalOffsetMs) / kDayMs - days_ago) * kDayMs - kLocalOffsetMs;
  return midnight + hour * kHourMs + minute * kMinuteMs;
}

alert::Incoming CameraEvent(const Camera& cam, std::string rule, std::string level, int64_t at,
                            double confidence, alert::Labels labels, std::string summary) {
  alert::Incoming in;
  alert::Event& e = in.event;
  e.source = "camera";
  e.rule = std::move(rule);
  e.level = std::move(level);
  e.org_unit_id = cam.org_unit_id;
  e.area_id = cam.area_id;
  e.point_id = cam.point_id;
  e.camera_id = cam.id;
  e.occurred_at = at;
  e.confidence = confidence;
  e.labels = std::move(labels);
  e.payload = boost::json::serialize(boost::json::object{
      {"camera_id", cam.id}, {"detector", "anxun-vision 2.3"}, {"confidence", confidence}});
  e.annotations = boost::json::serialize(
      boost::json::object{{"summary", fmt::format("{}：{}", cam.area_name, summary)}});
  return in;
}

// Repeats of one detection a few minutes apart; some below the rule's
// confidence (filtered as low_confidence).
std::vector<alert::Incoming> Burst(Random& rnd, int64_t start, int n,
                                   const std::function<alert::Incoming(int64_t, double)>& make) {
  std::vector<alert::Incoming> out;
  int64_t t = start;
  for (int i = 0; i < n; ++i) {
    const double conf = rnd.Percent(15) ? rnd.Real(0.38, 0.58) : rnd.Real(0.72, 0.98);
    out.push_back(make(t, conf));
    t += rnd.Between(40, 420) * kSecondMs;
  }
  return out;
}

struct Generator {
  const World& w;
  Random rnd{kSeed};
  std::vector<Episode> episodes;

  int64_t LastAt(const Episode& ep) const { return ep.events.back().event.occurred_at; }

  // Old alerts: acknowledged, then resolved or rejected; recent ones spread
  // over open, acknowledged and resolved.
  void Decide(Episode& ep, const char* resolve_note, const char* reject_reason,
              int reject_percent) {
    const int64_t last = LastAt(ep);
    const bool recent = last > w.now - kRecentMs;
    if (recent && rnd.Percent(60)) {
      ep.fate = rnd.Percent(50) ? Fate::kOpen : Fate::kAcknowledged;
      if (ep.fate == Fate::kAcknowledged)
        ep.ack_at = std::min(last + rnd.Between(3, 40) * kMinuteMs, w.now - kMinuteMs);
      return;
    }
    const bool reject = rnd.Percent(reject_percent);
    ep.fate = reject ? Fate::kRejected : Fate::kResolved;
    ep.note = reject ? reject_reason : resolve_note;
    if (!reject || rnd.Percent(40)) ep.ack_at = last + rnd.Between(2, 35) * kMinuteMs;
    const int64_t from = ep.ack_at ? ep.ack_at : last;
    ep.close_at = from + (reject ? rnd.Between(5, 30) : rnd.Between(15, 180)) * kMinuteMs;
    if (ep.close_at >= w.now) {
      ep.fate = Fate::kAcknowledged;
      ep.close_at = 0;
      ep.ack_at = std::min(ep.ack_at ? ep.ack_at : last + kMinuteMs, w.now - kMinuteMs);
    }
  }

  const Camera& AnyCamera(const std::string& plant_not) {
    for (;;) {
      const Camera& cam = w.cameras[rnd.Below(static_cast<int64_t>(w.cameras.size()))];
      if (cam.plant != plant_not) return cam;
    }
  }

  void Helmet(int days_ago) {
    const Camera& cam = AnyCamera("WL");
    const int64_t start = LocalTime(w.now, days_ago, rnd.Hour(kWorkHours), rnd.Between(0, 59));
    const std::string level = cam.risk == "red" || cam.risk == "orange" ? "general" : "minor";
    Episode ep;
    ep.plant = cam.plant;
    const int n = rnd.Percent(20) ? rnd.Between(5, 9) : rnd.Between(1, 4);
    ep.events = Burst(rnd, start, n, [&](int64_t t, double conf) {
      return CameraEvent(cam, "camera.no_helmet", level, t, conf, {{"class", "no_helmet"}},
                         "人员未佩戴安全帽");
    });
    const char* reasons[] = {"反光背心误识别", "反光背心误识别", "阴影误报"};
    Decide(ep, "已现场纠正，人员已佩戴安全帽", rnd.Pick(reasons), 25);
    episodes.push_back(std::move(ep));
  }

  void Intrusion(int days_ago) {
    const Camera& cam = AnyCamera("");
    const int64_t start = LocalTime(w.now, days_ago, rnd.Hour(kWorkHours), rnd.Between(0, 59));
    const std::string level = cam.risk == "red"      ? "serious"
                              : cam.risk == "orange" ? "general"
                                                     : "minor";
    const std::string zone = cam.area_name + "警戒区";
    const bool sloppy = rnd.Percent(10);  // the camera's zone mapping is missing
    Episode ep;
    ep.plant = cam.plant;
    ep.events = Burst(rnd, start, static_cast<int>(rnd.Between(1, 4)), [&](int64_t t, double conf) {
      alert::Labels labels;
      if (!sloppy || rnd.Percent(50)) labels["zone"] = zone;
      return CameraEvent(cam, "camera.intrusion", level, t, conf, labels, "人员进入危险区域");
    });
    const char* reasons[] = {"施工已审批", "施工已审批", "阴影误报"};
    Decide(ep, "人员已撤离警戒区并完成教育", rnd.Pick(reasons), 35);
    episodes.push_back(std::move(ep));
  }

  void Gas(int days_ago) {
    if (w.sensors.empty()) return;
    const Sensor& s = w.sensors[rnd.Below(static_cast<int64_t>(w.sensors.size()))];
    int64_t t = LocalTime(w.now, days_ago, static_cast<int>(rnd.Below(24)), rnd.Between(0, 59));
    const double peak = rnd.Percent(20) ? rnd.Real(50, 68, 1) : rnd.Real(26, 45, 1);
    const int n = static_cast<int>(rnd.Between(2, 8));
    Episode ep;
    ep.plant = s.plant;
    for (int i = 0; i < n; ++i) {
      const double value = std::round((25.5 + (peak - 25.5) * (i + 1) / n) * 10) / 10;
      alert::Incoming in;
      alert::Event& e = in.event;
      e.source = "sensor";
      e.rule = "sensor.gas_high";
      e.level = value >= 50 ? "serious" : "general";
      e.org_unit_id = s.org_unit_id;
      e.area_id = s.area_id;
      e.point_id = s.point_id;
      e.occurred_at = t;
      e.labels = {{"sensor", s.tag}, {"gas", "甲烷"}};
      e.payload = boost::json::serialize(boost::json::object{
          {"sensor", s.tag}, {"value", value}, {"unit", "%LEL"}, {"threshold", 25}});
      e.annotations = boost::json::serialize(
          boost::json::object{{"summary", fmt::format("{} 可燃气体 {} %LEL", s.tag, value)}});
      ep.events.push_back(std::move(in));
      t += rnd.Between(60, 150) * kSecondMs;
    }
    const int64_t last = LastAt(ep);
    const bool recent = last > w.now - kRecentMs;
    if (recent && rnd.Percent(50)) {
      ep.fate = Fate::kAcknowledged;
      ep.ack_at = std::min(last + rnd.Between(2, 10) * kMinuteMs, w.now - kMinuteMs);
      episodes.push_back(std::move(ep));
      return;
    }
    ep.fate = Fate::kSourceResolved;
    ep.ack_at = last + rnd.Between(2, 10) * kMinuteMs;
    ep.close_at = std::min(ep.ack_at + rnd.Between(10, 50) * kMinuteMs, w.now - kMinuteMs);
    alert::Incoming clear = ep.events.back();
    clear.resolved_by_source = true;
    clear.event.occurred_at = ep.close_at;
    clear.event.payload = boost::json::serialize(boost::json::object{
        {"sensor", s.tag}, {"value", rnd.Real(5, 18, 1)}, {"unit", "%LEL"}, {"threshold", 25}});
    ep.events.push_back(std::move(clear));
    episodes.push_back(std::move(ep));
  }

  void Fire(int days_ago, bool smoke, bool approved_hot_work) {
    const Camera& cam = AnyCamera("WL");
    const int64_t start = LocalTime(w.now, days_ago, rnd.Hour(kWorkHours), rnd.Between(0, 59));
    const std::string rule = smoke ? "camera.smoke" : "camera.fire";
    Episode ep;
    ep.plant = cam.plant;
    ep.events = Burst(rnd, start, static_cast<int>(rnd.Between(2, 3)), [&](int64_t t, double) {
      return CameraEvent(cam, rule, smoke ? "serious" : "major", t, rnd.Real(0.81, 0.95),
                         {{"class", smoke ? "smoke" : "fire"}}, smoke ? "疑似烟雾" : "疑似明火");
    });
    if (approved_hot_work)
      Decide(ep, "", "施工已审批", 100);
    else
      Decide(ep, smoke ? "现场确认为设备检修烟尘，已通风" : "初期火情已用灭火器扑灭，无人员伤亡",
             "阴影误报", smoke ? 50 : 0);
    episodes.push_back(std::move(ep));
  }

  void Manual(int days_ago, const Camera& where) {
    if (!w.inspector) return;
    const int64_t at = LocalTime(w.now, days_ago, rnd.Hour(kWorkHours), rnd.Between(0, 59));
    const char* texts[] = {"管廊法兰处疑似泄漏，有刺激性气味", "配电室有焦糊味",
                           "叉车在通道超速行驶", "储罐区有人吸烟"};
    const std::string text = rnd.Pick(texts);
    alert::Incoming in;
    alert::Event& e = in.event;
    e.source = "manual";
    e.rule = "manual.alarm";
    e.level = rnd.Percent(50) ? "serious" : "general";
    e.org_unit_id = where.org_unit_id;
    e.area_id = where.area_id;
    e.point_id = where.point_id;
    e.occurred_at = at;
    e.labels = {{"reporter", "inspector"}};
    e.payload = boost::json::serialize(boost::json::object{{"text", text}});
    e.annotations = boost::json::serialize(boost::json::object{{"summary", text}});
    Episode ep;
    ep.plant = where.plant;
    ep.events.push_back(std::move(in));
    Decide(ep, "已到场处置，现场恢复正常", "复查未发现异常", 20);
    episodes.push_back(std::move(ep));
  }

  // Detections that became demo hazards: the camera or sensor saw it shortly
  // before the inspector reported it, and the alert links to that hazard.
  void HazardOrigins(db::Conn& c) {
    std::map<int64_t, const Camera*> by_area;
    for (const auto& cam : w.cameras)
      by_area.emplace(cam.area_id, &cam);
    int made = 0;
    for (const auto& h :
         c.Query("SELECT id, area_id, found_at, point_id, org_unit_id FROM hazards WHERE "
                 "source = 'camera' AND "
                 "kind = 'violation' AND state <> 'dismissed' AND found_at < ? ORDER BY id",
                 {w.now - kRecentMs})) {
      auto it = by_area.find(h.OptInt(1).value_or(0));
      if (it == by_area.end() || made >= 6) continue;
      Camera cam = *it->second;  // watching the hazard's point
      cam.point_id = h.OptInt(3).value_or(cam.point_id);
      cam.org_unit_id = h.Int(4);
      Episode ep;
      ep.plant = cam.plant;
      const int64_t found = h.Int(2);
      ep.events =
          Burst(rnd, found - rnd.Between(20, 50) * kMinuteMs, static_cast<int>(rnd.Between(2, 5)),
                [&](int64_t t, double) {
                  return CameraEvent(cam, "camera.no_helmet", "general", t, rnd.Real(0.75, 0.97),
                                     {{"class", "no_helmet"}}, "作业人员防护用品佩戴不规范");
                });
      ep.fate = Fate::kHazard;
      ep.ack_at = LastAt(ep) + rnd.Between(1, 5) * kMinuteMs;
      ep.close_at = std::max(found + 10 * kMinuteMs, ep.ack_at + kMinuteMs);
      ep.hazard_id = h.Int(0);
      episodes.push_back(std::move(ep));
      ++made;
    }
  }

  void Missed(db::Conn& c) {
    int i = 0;
    for (const auto& t : c.Query(
             "SELECT t.id, t.org_unit_id, t.title, t.due_at, u.code FROM tasks t JOIN org_units "
             "u ON u.id = t.org_unit_id WHERE t.due_at < ? ORDER BY t.id LIMIT 40",
             {w.now - kHourMs})) {
      if (++i % 4 != 0) continue;
      alert::Incoming in;
      alert::Event& e = in.event;
      e.source = "inspection";
      e.rule = "inspection.missed";
      e.level = "general";
      e.org_unit_id = t.Int(1);
      e.occurred_at = t.Int(3);
      e.labels = {{"task_id", std::to_string(t.Int(0))}};
      e.payload = boost::json::serialize(boost::json::object{
          {"task_id", t.Int(0)}, {"title", t.Str(2)}, {"due", FormatRfc3339(t.Int(3))}});
      e.annotations = boost::json::serialize(boost::json::object{{"summary", t.Str(2)}});
      Episode ep;
      ep.plant = PlantOf(t.Str(4));
      ep.events.push_back(std::move(in));
      Decide(ep, "已安排补检", "任务已调整", 10);
      episodes.push_back(std::move(ep));
    }
  }

  void Generate(db::Conn& c) {
    for (int d = kDays - 1; d >= 0; --d) {
      const int helmets = static_cast<int>(rnd.Between(0, 3));
      for (int i = 0; i < helmets; ++i)
        Helmet(d);
      if (rnd.Percent(60)) Intrusion(d);
      if (rnd.Percent(25)) Intrusion(d);
      if (rnd.Percent(30)) Gas(d);
      if (d % 15 == 7) Manual(d, AnyCamera("WL"));
    }
    Fire(63, true, false);
    Fire(41, false, true);
    Fire(22, true, false);
    Fire(9, false, false);
    HazardOrigins(c);
    Missed(c);

    // So the alert centre always shows work in hand: fresh ones of the last hours.
    Helmet(0);
    episodes.back().fate = Fate::kOpen;
    Intrusion(0);
    episodes.back().fate = Fate::kOpen;
    Manual(1, AnyCamera("WL"));
    episodes.back().fate = Fate::kAcknowledged;
    for (auto* ep : {&episodes[episodes.size() - 3], &episodes[episodes.size() - 2]}) {
      const int64_t shift = std::max<int64_t>(0, LastAt(*ep) - (w.now - 20 * kMinuteMs));
      for (auto& in : ep->events)
        in.event.occurred_at -= shift;
      ep->ack_at = ep->close_at = 0;
    }
    Episode& ack = episodes.back();
    ack.close_at = 0;
    ack.ack_at = std::min(LastAt(ack) + 15 * kMinuteMs, w.now - kMinuteMs);
  }
};

std::vector<Step> Timeline(const std::vector<Episode>& episodes, int64_t now) {
  std::vector<Step> steps;
  for (size_t i = 0; i < episodes.size(); ++i) {
    const Episode& ep = episodes[i];
    for (size_t j = 0; j < ep.events.size(); ++j) {
      if (ep.events[j].event.occurred_at < now)
        steps.push_back({ep.events[j].event.occurred_at, i, StepKind::kEvent, j});
    }
    if (ep.ack_at) steps.push_back({ep.ack_at, i, StepKind::kAcknowledge});
    if (ep.close_at && ep.fate != Fate::kSourceResolved)
      steps.push_back({ep.close_at, i, StepKind::kClose});
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.at < b.at; });
  return steps;
}

void Act(db::Conn& c, const World& w, const Episode& ep, StepKind kind, int64_t at) {
  auto a = alert::FindAlert(c, ep.alert_id);
  if (!a || a->status == "resolved") return;
  if (kind == StepKind::kAcknowledge && a->status != "open") return;

  auth::Principal who;
  who.user_id = w.Handler(ep.plant);
  auth::AccessScope everything;
  everything.all = true;
  if (kind == StepKind::kClose && ep.fate == Fate::kHazard) {
    alert::LinkHazard(c, who, *a, ep.hazard_id, at);
    return;
  }
  boost::json::object body{{"version", a->version}};
  std::string action = "acknowledge";
  if (kind == StepKind::kAcknowledge) {
    body["note"] = "已收到，正在核实";
  } else if (ep.fate == Fate::kRejected) {
    action = "reject";
    body["reason"] = ep.note;
  } else {
    action = "resolve";
    body["note"] = ep.note;
  }
  Body b(std::move(body));
  alert::TakeAction(c, who, everything, a->id, action, b, at);
}

// Alerts a later burst reopened after its episode's people had acted: the
// safety officer closed them an hour after they went quiet.
void ResolveLeftovers(db::Conn& c, const World& w) {
  auth::AccessScope everything;
  everything.all = true;
  for (const auto& r :
       c.Query("SELECT a.id, a.version, a.last_seen, u.code FROM alerts a JOIN org_units u ON "
               "u.id = a.org_unit_id WHERE a.status IN ('open','acknowledged') AND a.last_seen < ? "
               "ORDER BY a.id",
               {w.now - kRecentMs})) {
    auth::Principal who;
    who.user_id = w.Handler(PlantOf(r.Str(3)));
    Body b(boost::json::object{{"version", r.Int(1)}, {"note", "已复查，现场恢复正常"}});
    alert::TakeAction(c, who, everything, r.Int(0), "resolve", b, r.Int(2) + kHourMs);
  }
}

void CreateChannels(db::Conn& c, int64_t admin, int64_t unit, int64_t now) {
  auth::Principal who;
  who.user_id = admin;
  auth::AccessScope everything;
  everything.all = true;
  const boost::json::object bodies[] = {
      {{"name", "企业微信-安全群机器人（示例）"},
       {"kind", "wecom"},
       {"url", "https://example.invalid/wecom/webhook/send?key=demo"}},
      {{"name", "钉钉-应急值班群（示例）"},
       {"kind", "dingtalk"},
       {"url", "https://example.invalid/dingtalk/robot/send?access_token=demo"},
       {"secret", "SECdemo-not-a-real-secret"}},
      {{"name", "飞书-生产调度群（示例）"},
       {"kind", "feishu"},
       {"url", "https://example.invalid/feishu/bot/hook/demo"}},
      {{"name", "通用 Webhook-DCS 对接（示例）"},
       {"kind", "webhook"},
       {"url", "https://example.invalid/anxun/alerts"},
       {"secret", "demo-signing-secret"}},
      {{"name", "邮件-安全管理部（示例）"},
       {"kind", "email"},
       {"smtp_host", "smtp.example.invalid"},
       {"smtp_port", 465},
       {"smtp_security", "tls"},
       {"smtp_username", "anxun@example.invalid"},
       {"smtp_from", "anxun@example.invalid"},
       {"email_to", boost::json::array{"safety@example.invalid"}}},
  };
  for (const auto& o : bodies) {
    boost::json::object body = o;
    body["org_unit_id"] = unit;
    body["enabled"] = false;
    body["min_level"] = body.at("kind").as_string() == "email" ? "general" : "serious";
    Body b(std::move(body));
    alert::CreateChannel(c, who, everything, b, now);
  }
}

}  // namespace

int64_t LoadDemoAlerts(db::Conn& c) {
  const World w = LoadWorld(c);
  auto plant = c.QueryInt("SELECT id FROM org_units WHERE code = 'HG1'");
  auto admin = c.QueryInt("SELECT id FROM users WHERE username = 'admin'");
  if (!plant || !admin || !w.inspector || w.cameras.empty() || !w.safety.count("HG1")) return 0;

  Generator g{w, Random(kSeed), {}};
  g.Generate(c);

  int64_t taken = 0;
  Random delay(kSeed + 1);
  for (const Step& s : Timeline(g.episodes, w.now)) {
    Episode& ep = g.episodes[s.episode];
    if (s.kind != StepKind::kEvent) {
      if (ep.alert_id) Act(c, w, ep, s.kind, s.at);
      continue;
    }
    const alert::Incoming& in = ep.events[s.event];
    const std::optional<int64_t> poster =
        in.event.source == "manual" ? w.inspector : std::optional<int64_t>();
    const int64_t received = std::min(s.at + delay.Between(1, 20) * kSecondMs, w.now);
    const auto out = alert::Ingest(c, {in}, poster, received);
    if (out.front().alert_id && !in.resolved_by_source) ep.alert_id = *out.front().alert_id;
    ++taken;
  }

  ResolveLeftovers(c, w);

  // The history is not news: nothing of it goes out when the server starts.
  c.Exec("UPDATE alert_outbox SET state = 'done' WHERE state = 'pending'");
  CreateChannels(c, *admin, *plant, w.now);
  return taken;
}

}  // namespace anxun::demo
