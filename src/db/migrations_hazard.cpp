// Version 3: the hazard module's tables. Owned by src/hazard; see migrations.h.
//
// hazards is the current state of each hazard (one row, versioned);
// hazard_history is its append-only story; hazard_files links evidence by
// phase; hazard_reviews holds the approvals and returns of each review round;
// hazard_saved_filters keeps each user's named list filters;
// hazard_deadline_rules gives the default deadline per level, per org unit
// (a unit without its own rule inherits the nearest ancestor's; org_unit_id
// NULL is the product default).
#include "db/migrations.h"

namespace anxun::db {
namespace {

constexpr const char* kHazardCommon = R"SQL(
CREATE TABLE hazard_categories (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO hazard_categories (code, name, name_en, sort_order) VALUES
  ('fire', '消防安全', 'Fire safety', 10),
  ('electrical', '电气安全', 'Electrical', 20),
  ('hazchem', '危险化学品', 'Hazardous chemicals', 30),
  ('hot_work', '动火作业', 'Hot work', 40),
  ('confined_space', '受限空间作业', 'Confined space', 50),
  ('height', '高处作业', 'Work at height', 60),
  ('ppe', '劳动防护用品', 'PPE', 70),
  ('housekeeping', '现场管理与通道', 'Housekeeping and passages', 80),
  ('equipment', '设备设施', 'Equipment', 90),
  ('other', '其他', 'Other', 100);

-- 化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）: a hazard
-- matching any item is major.
CREATE TABLE hazard_major_criteria (
  code TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO hazard_major_criteria (code, text, sort_order) VALUES
  ('HC-01', '危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格', 10),
  ('HC-02', '特种作业人员未持证上岗', 20),
  ('HC-03', '涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求', 30),
  ('HC-04', '涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、紧急停车系统未投入使用', 40),
  ('HC-05', '构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、二级重大危险源的危险化学品罐区未配备独立的安全仪表系统', 50),
  ('HC-06', '全压力式液化烃储罐未按国家标准设置注水措施', 60),
  ('HC-07', '液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统', 70),
  ('HC-08', '光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域', 80),
  ('HC-09', '地区架空电力线路穿越生产区且不符合国家标准要求', 90),
  ('HC-10', '在役化工装置未经正规设计且未进行安全设计诊断', 100),
  ('HC-11', '使用淘汰落后安全技术工艺、设备目录列出的工艺、设备', 110),
  ('HC-12', '涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备', 120),
  ('HC-13', '控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求', 130),
  ('HC-14', '化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源', 140),
  ('HC-15', '安全阀、爆破片等安全附件未正常投用', 150),
  ('HC-16', '未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度', 160),
  ('HC-17', '未制定操作规程和工艺控制指标', 170),
  ('HC-18', '未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行', 180),
  ('HC-19', '新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产；国内首次使用的化工工艺未经过省级人民政府有关部门组织的安全可靠性论证；新建装置未制定试生产方案投料开车；精细化工企业未按规范性文件要求开展反应安全风险评估', 190),
  ('HC-20', '未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存', 200);

CREATE TABLE hazards (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'condition' CHECK (kind IN ('condition','violation')),
  category TEXT REFERENCES hazard_categories(code),
  level TEXT CHECK (level IS NULL OR level IN ('major','serious','general','minor')),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  area_id BIGINT REFERENCES areas(id),
  point_id BIGINT REFERENCES points(id),
  location_text TEXT NOT NULL DEFAULT '',
  x DOUBLE PRECISION,
  y DOUBLE PRECISION,
  source TEXT NOT NULL DEFAULT 'adhoc'
    CHECK (source IN ('inspection','camera','sensor','adhoc','spot_check')),
  source_ref TEXT,
  reporter_id BIGINT NOT NULL REFERENCES users(id),
  found_at BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reported','verified','rectifying','pending_review',
                                       'closed','dismissed')),
  fixed_on_spot INTEGER NOT NULL DEFAULT 0,
  owner_id BIGINT REFERENCES users(id),
  department_id BIGINT REFERENCES org_units(id),
  assigner_id BIGINT REFERENCES users(id),
  measures TEXT NOT NULL DEFAULT '',
  deadline BIGINT,
  original_deadline BIGINT,
  extension_deadline BIGINT,
  extension_reason TEXT,
  review_round INTEGER NOT NULL DEFAULT 0,
  supervised INTEGER NOT NULL DEFAULT 0,
  supervise_note TEXT,
  supervise_target_at BIGINT,
  supervised_by BIGINT REFERENCES users(id),
  plan_json TEXT,
  production_stop TEXT CHECK (production_stop IS NULL OR
                              production_stop IN ('none','partial','full')),
  authority_report_json TEXT,
  duplicate_of BIGINT REFERENCES hazards(id),
  dismiss_reason TEXT,
  major_criteria TEXT,
  closed_at BIGINT,
  client_id TEXT UNIQUE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX hazards_org_state ON hazards(org_unit_id, state, id);
CREATE INDEX hazards_state_deadline ON hazards(state, deadline);
CREATE INDEX hazards_found ON hazards(found_at);
CREATE INDEX hazards_owner ON hazards(owner_id);
CREATE INDEX hazards_point ON hazards(point_id);
CREATE INDEX hazards_area ON hazards(area_id);

CREATE TABLE hazard_history (
  id {{ID}},
  hazard_id BIGINT NOT NULL REFERENCES hazards(id),
  action TEXT NOT NULL,
  actor_id BIGINT REFERENCES users(id),
  actor_name TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  changes TEXT NOT NULL DEFAULT '{}',
  file_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX hazard_history_hazard ON hazard_history(hazard_id, id);

CREATE TABLE hazard_files (
  hazard_id BIGINT NOT NULL REFERENCES hazards(id),
  file_id BIGINT NOT NULL REFERENCES files(id),
  phase TEXT NOT NULL CHECK (phase IN ('before','after','plan','report')),
  added_by BIGINT REFERENCES users(id),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (hazard_id, file_id, phase)
);
CREATE INDEX hazard_files_file ON hazard_files(file_id);

CREATE TABLE hazard_reviews (
  id {{ID}},
  hazard_id BIGINT NOT NULL REFERENCES hazards(id),
  round INTEGER NOT NULL,
  reviewer_id BIGINT NOT NULL REFERENCES users(id),
  decision TEXT NOT NULL CHECK (decision IN ('approve','return')),
  superior INTEGER NOT NULL DEFAULT 0,
  comment TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX hazard_reviews_hazard ON hazard_reviews(hazard_id, round);

CREATE TABLE hazard_deadline_rules (
  id {{ID}},
  org_unit_id BIGINT REFERENCES org_units(id),
  level TEXT NOT NULL CHECK (level IN ('major','serious','general','minor')),
  hours INTEGER,
  updated_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE (org_unit_id, level)
);
CREATE TABLE hazard_saved_filters (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  query TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (user_id, name)
);

INSERT INTO hazard_deadline_rules (org_unit_id, level, hours) VALUES
  (NULL, 'major', NULL),
  (NULL, 'serious', 720),
  (NULL, 'general', 168),
  (NULL, 'minor', 12);
)SQL";

constexpr const char* kHazardSqlite = R"SQL(
CREATE TRIGGER hazard_history_no_update BEFORE UPDATE ON hazard_history
BEGIN SELECT RAISE(ABORT, 'hazard_history is append-only'); END;
CREATE TRIGGER hazard_history_no_delete BEFORE DELETE ON hazard_history
BEGIN SELECT RAISE(ABORT, 'hazard_history is append-only'); END;
)SQL";

constexpr const char* kHazardPostgres = R"SQL(
CREATE FUNCTION hazard_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'hazard_history is append-only'; END $$;
CREATE TRIGGER hazard_history_no_update BEFORE UPDATE OR DELETE ON hazard_history
FOR EACH ROW EXECUTE FUNCTION hazard_history_append_only();
)SQL";

}  // namespace

const Migration kHazardMigration = {3, "hazard", kHazardCommon, kHazardSqlite, kHazardPostgres};

}  // namespace anxun::db
