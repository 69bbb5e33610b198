#include "hazard/workflow.h"

#include <algorithm>
#include <map>
#include <utility>

namespace anxun::hazard {
namespace {

using Edge = std::pair<std::string_view, std::string_view>;  // (state, action)

// Every (state, action) the table allows and where it leads.
const std::map<Edge, std::string_view>& Table() {
  static const std::map<Edge, std::string_view> table = {
      {{"reported", "verify"}, "verified"},
      {{"reported", "dismiss"}, "dismissed"},
      {{"reported", "plan"}, "reported"},
      {{"reported", "supervise"}, "reported"},
      {{"verified", "assign"}, "rectifying"},
      {{"verified", "dismiss"}, "dismissed"},
      {{"verified", "plan"}, "verified"},
      {{"verified", "supervise"}, "verified"},
      {{"rectifying", "submit"}, "pending_review"},
      {{"rectifying", "progress"}, "rectifying"},
      {{"rectifying", "plan"}, "rectifying"},
      {{"rectifying", "extend_request"}, "rectifying"},
      {{"rectifying", "extend_approve"}, "rectifying"},
      {{"rectifying", "extend_refuse"}, "rectifying"},
      {{"rectifying", "supervise"}, "rectifying"},
      {{"pending_review", "approve"}, "closed"},
      {{"pending_review", "return"}, "rectifying"},
      {{"pending_review", "supervise"}, "pending_review"},
  };
  return table;
}

Decision Allow(std::string next) {
  return {Outcome::kAllowed, std::move(next), "", ""};
}

Decision Refuse(std::string code, std::string message) {
  return {Outcome::kForbidden, "", std::move(code), std::move(message)};
}

Decision Precondition(std::string code, std::string message) {
  return {Outcome::kPreconditionFailed, "", std::move(code), std::move(message)};
}

Decision Denied() {
  return Refuse("forbidden", "你没有执行此操作的权限 / permission denied");
}

bool HasApproved(const Facts& h, int64_t user_id) {
  return std::any_of(h.approvals.begin(), h.approvals.end(),
                     [&](const auto& a) { return a.first == user_id; });
}

Decision DecideApprove(const Facts& h, const Caller& who) {
  if (!NeedsDoubleReview(h.level)) return Allow("closed");
  if (HasApproved(h, who.user_id)) {
    return Refuse(
        "same_reviewer",
        "双人复核须由两个不同的人完成 / the second approval must come from another person");
  }
  if (h.approvals.empty()) return Allow("pending_review");
  const bool any_superior = who.superior || std::any_of(h.approvals.begin(), h.approvals.end(),
                                                        [](const auto& a) { return a.second; });
  if (!any_superior) {
    return Refuse("superior_required",
                  "第二次复核须由上级单位或管理层完成 / the second approval must come from a "
                  "superior unit or management");
  }
  return Allow("closed");
}

Decision DecideRectifierAction(const Facts& h, const Caller& who, std::string_view action,
                               const std::string& next) {
  if (!who.can_rectify || who.user_id != h.owner_id) {
    return Refuse("not_owner", "只有整改责任人可以执行此操作 / only the owner may do this");
  }
  if (action == "extend_request" && h.extension_pending) {
    return Precondition("extension_pending", "已有待审批的延期申请 / an extension is pending");
  }
  return Allow(next);
}

}  // namespace

const std::vector<std::string_view>& States() {
  static const std::vector<std::string_view> v = {"reported",       "verified", "rectifying",
                                                  "pending_review", "closed",   "dismissed"};
  return v;
}

const std::vector<std::string_view>& Levels() {
  static const std::vector<std::string_view> v = {"major", "serious", "general", "minor"};
  return v;
}

const std::vector<std::string_view>& Kinds() {
  static const std::vector<std::string_view> v = {"condition", "violation"};
  return v;
}

const std::vector<std::string_view>& Sources() {
  static const std::vector<std::string_view> v = {"inspection", "camera", "sensor", "adhoc",
                                                  "spot_check"};
  return v;
}

const std::vector<std::string_view>& Actions() {
  static const std::vector<std::string_view> v = {
      "verify",         "dismiss",       "plan",   "assign",  "progress", "extend_request",
      "extend_approve", "extend_refuse", "submit", "approve", "return",   "supervise"};
  return v;
}

bool IsOneOf(const std::vector<std::string_view>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

bool IsOpen(std::string_view state) {
  return state != "closed" && state != "dismissed";
}

std::optional<std::string> TableNext(std::string_view state, std::string_view action) {
  auto it = Table().find({state, action});
  if (it == Table().end()) return std::nullopt;
  return std::string(it->second);
}

bool NeedsDoubleReview(std::string_view level) {
  return level == "major" || level == "serious";
}

Decision Decide(const Facts& h, const Caller& who, std::string_view action) {
  auto next = TableNext(h.state, action);
  if (!next) {
    return {Outcome::kInvalidTransition, "", "invalid_transition",
            "当前状态不允许此操作 / this action is not allowed in the current state"};
  }

  if (action == "verify" || action == "dismiss") return who.can_verify ? Allow(*next) : Denied();
  if (action == "plan") {
    if (!who.can_verify && !who.can_assign) return Denied();
    if (h.level != "major") {
      return Precondition("not_major", "只有重大隐患需要治理方案 / only major hazards take a plan");
    }
    return Allow(*next);
  }
  if (action == "assign") {
    if (!who.can_assign) return Denied();
    if (h.level.empty()) {
      return Precondition("level_required", "请先核定隐患等级 / set the level first");
    }
    if (h.level == "major" && !h.has_plan) {
      return Precondition("plan_required",
                          "重大隐患须先制定治理方案 / a major hazard needs its governance plan "
                          "before rectification starts");
    }
    return Allow(*next);
  }
  if (action == "submit" || action == "progress" || action == "extend_request") {
    return DecideRectifierAction(h, who, action, *next);
  }
  if (action == "extend_approve" || action == "extend_refuse") {
    if (!who.can_supervise && !who.can_assign) return Denied();
    if (who.user_id == h.owner_id) {
      return Refuse("own_extension", "不能审批自己的延期申请 / you cannot decide your own request");
    }
    if (!h.extension_pending) {
      return Precondition("no_extension_pending", "没有待审批的延期申请 / no extension pending");
    }
    return Allow(*next);
  }
  if (action == "approve" || action == "return") {
    if (!who.can_review) return Denied();
    if (who.user_id == h.owner_id) {
      return Refuse("reviewer_is_owner",
                    "整改责任人不能复核自己的整改 / the owner may not review their own work");
    }
    return action == "approve" ? DecideApprove(h, who) : Allow(*next);
  }
  if (action == "supervise") {
    if (!who.can_supervise || !who.superior) {
      return Refuse("superior_required",
                    "督办须由管理层或上级单位发起 / supervision is for management or a superior "
                    "unit");
    }
    return Allow(*next);
  }
  return Denied();
}

std::vector<std::string> AllowedActions(const Facts& h, const Caller& who) {
  std::vector<std::string> out;
  for (auto a : Actions()) {
    if (Decide(h, who, a).outcome == Outcome::kAllowed) out.emplace_back(a);
  }
  return out;
}

std::vector<std::string> TableActions(std::string_view state) {
  std::vector<std::string> out;
  for (auto a : Actions()) {
    if (TableNext(state, a)) out.emplace_back(a);
  }
  return out;
}

std::optional<int64_t> ResolveDeadlineHours(const std::vector<RuleHit>& chain,
                                            std::optional<int64_t> fallback) {
  for (const auto& hit : chain) {
    if (hit.present) return hit.hours;
  }
  return fallback;
}

}  // namespace anxun::hazard
