#include "auth/permissions.h"

#include "common/error.h"

#include <boost/json.hpp>

namespace anxun::auth {

const std::vector<PermissionInfo>& PermissionCatalog() {
  static const std::vector<PermissionInfo> all = {
      {"org.view", "org", "查看组织机构", "View org units"},
      {"org.edit", "org", "编辑组织机构", "Edit org units"},
      {"area.view", "org", "查看区域", "View areas"},
      {"area.edit", "org", "编辑区域", "Edit areas"},
      {"point.view", "org", "查看巡检点", "View inspection points"},
      {"point.edit", "org", "编辑巡检点", "Edit inspection points"},
      {"user.view", "user", "查看用户", "View users"},
      {"user.manage", "user", "管理用户账号", "Manage user accounts"},
      {"role.view", "user", "查看角色", "View roles"},
      {"role.manage", "user", "管理角色与授权", "Manage roles and assignments"},
      {"audit.view", "audit", "查看审计日志", "View the audit trail"},
      {"audit.export", "audit", "导出审计日志", "Export the audit trail"},
      {"settings.manage", "system", "管理系统设置", "Manage system settings"},
      {"file.upload", "file", "上传文件", "Upload files"},
      {"hazard.report", "hazard", "上报隐患", "Report hazards"},
      {"hazard.view", "hazard", "查看隐患", "View hazards"},
      {"hazard.verify", "hazard", "核实隐患", "Verify hazards"},
      {"hazard.assign", "hazard", "派发整改", "Assign rectification"},
      {"hazard.rectify", "hazard", "整改隐患", "Rectify hazards"},
      {"hazard.review", "hazard", "复核整改", "Review rectification"},
      {"hazard.supervise", "hazard", "督办隐患", "Supervise hazards"},
      {"hazard.export", "hazard", "导出隐患", "Export hazards"},
      {"hazard.configure", "hazard", "配置隐患规则", "Configure hazard rules"},
      {"plan.view", "inspection", "查看巡检计划", "View plans"},
      {"plan.edit", "inspection", "编辑巡检计划", "Edit plans"},
      {"task.view", "inspection", "查看巡检任务", "View tasks"},
      {"task.execute", "inspection", "执行巡检任务", "Execute tasks"},
      {"task.manage", "inspection", "管理巡检任务", "Manage tasks"},
      {"ledger.view", "inspection", "查看台账", "View ledgers"},
      {"ledger.export", "inspection", "导出台账", "Export ledgers"},
      {"alert.view", "alert", "查看告警", "View alerts"},
      {"alert.handle", "alert", "处理告警", "Handle alerts"},
      {"alert.configure", "alert", "配置告警规则", "Configure alert rules"},
      {"event.post", "alert", "提交事件", "Post events"},
      {"report.view", "report", "查看报表", "View reports"},
      {"report.export", "report", "导出报表", "Export reports"},
  };
  return all;
}

bool IsKnownPermission(std::string_view code) {
  for (const auto& p : PermissionCatalog()) {
    if (p.code == code) return true;
  }
  return false;
}

std::string_view DutyName(Duty d) {
  switch (d) {
    case Duty::kSystem:
      return "system";
    case Duty::kSecurity:
      return "security";
    case Duty::kAudit:
      return "audit";
  }
  return "system";
}

std::optional<Duty> ParseDuty(std::string_view s) {
  for (auto d : {Duty::kSystem, Duty::kSecurity, Duty::kAudit}) {
    if (DutyName(d) == s) return d;
  }
  return std::nullopt;
}

std::optional<Duty> ExclusiveDuty(std::string_view permission) {
  if (permission == "user.manage" || permission == "settings.manage") return Duty::kSystem;
  if (permission == "role.manage") return Duty::kSecurity;
  if (permission.starts_with("audit.")) return Duty::kAudit;
  return std::nullopt;
}

std::optional<Duty> DutyOfPermissions(const std::vector<std::string>& permissions) {
  std::optional<Duty> duty;
  for (const auto& p : permissions) {
    const auto d = ExclusiveDuty(p);
    if (!d) continue;
    if (duty && *duty != *d) {
      boost::json::object details;
      details["duties"] = boost::json::array{DutyName(*duty), DutyName(*d)};
      throw BadRequest("separation_of_duties",
                       "一个角色不能同时包含系统管理、安全保密管理和审计管理中两类的权限 / a role "
                       "cannot combine permissions of two administrator duties",
                       std::move(details));
    }
    duty = d;
  }
  return duty;
}

const std::vector<BuiltinRole>& BuiltinRoles() {
  static const std::vector<BuiltinRole> all = {
      {"inspector",
       "巡检员",
       "Inspector",
       ScopeKind::kSubtree,
       std::nullopt,
       {"org.view", "area.view", "point.view", "task.view", "task.execute", "hazard.report",
        "hazard.view", "file.upload"}},
      {"owner",
       "整改责任人",
       "Rectification owner",
       ScopeKind::kSubtree,
       std::nullopt,
       // The directly responsible person is told of general and minor alerts
       // at their points and acknowledges them.
       {"org.view", "area.view", "point.view", "hazard.view", "hazard.rectify", "hazard.report",
        "alert.view", "alert.handle", "file.upload"}},
      {"safety_officer",
       "安全管理员",
       "Safety officer",
       ScopeKind::kSubtree,
       std::nullopt,
       {"org.view",       "org.edit",      "area.view",        "area.edit",     "point.view",
        "point.edit",     "hazard.report", "hazard.view",      "hazard.verify", "hazard.assign",
        "hazard.rectify", "hazard.review", "hazard.supervise", "hazard.export", "hazard.configure",
        "plan.view",      "plan.edit",     "task.view",        "task.execute",  "task.manage",
        "ledger.view",    "ledger.export", "alert.view",       "alert.handle",  "alert.configure",
        "event.post",     "report.view",   "report.export",    "file.upload",   "user.view"}},
      {"dept_head",
       "部门负责人",
       "Department head",
       ScopeKind::kSubtree,
       std::nullopt,
       {"org.view", "area.view", "point.view", "hazard.view", "hazard.assign", "hazard.review",
        "hazard.supervise", "plan.view", "task.view", "ledger.view", "alert.view", "alert.handle",
        "report.view", "file.upload"}},
      {"manager",
       "管理层",
       "Management",
       ScopeKind::kSubtree,
       std::nullopt,
       {"org.view", "area.view", "point.view", "hazard.view", "hazard.supervise", "hazard.review",
        "hazard.export", "plan.view", "task.view", "report.view", "report.export", "ledger.view",
        "ledger.export", "alert.view"}},
      {"sysadmin",
       "系统管理员",
       "System administrator",
       ScopeKind::kAll,
       Duty::kSystem,
       {"org.view", "org.edit", "area.view", "area.edit", "point.view", "point.edit", "user.view",
        "user.manage", "settings.manage", "file.upload", "role.view"}},
      {"secadmin",
       "安全保密管理员",
       "Security administrator",
       ScopeKind::kAll,
       Duty::kSecurity,
       {"role.view", "role.manage", "user.view"}},
      {"auditor",
       "审计管理员",
       "Audit administrator",
       ScopeKind::kAll,
       Duty::kAudit,
       {"audit.view", "audit.export"}},
  };
  return all;
}

}  // namespace anxun::auth
