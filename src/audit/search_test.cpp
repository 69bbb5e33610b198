// Searching and exporting the audit trail.
#include "audit/search.h"
#include "audit/audit_test_fixture.h"
#include "audit/export.h"

#include <algorithm>

namespace anxun::audit {
namespace {

class AuditSearchTest : public AuditTest {
 protected:
  void SetUp() override {
    AuditTest::SetUp();
    Record("user.create", "5", {1, "admin", "10.0.0.1", "r1"});
    Record("user.update", "5", {1, "admin", "10.0.0.1", "r2"});
    Record("point.create", "12", {7, "zhangsan", "10.0.0.5", "r3"});
    Record("users.export", "", {42, "7", "10.0.0.9", "r4"});  // a user named "7"
    Record("auth.login_failed", "", {std::nullopt, "unknown", "10.0.0.6", "r5"});
  }

  std::vector<int64_t> Find(const Filter& f, const std::string& order = "seq ASC") {
    db::Page page;
    page.page_size = 100;
    page.order_by = order;
    return db_->Read([&](db::Conn& c) {
      std::vector<int64_t> seqs;
      for (const auto& e : FindEntries(c, f, page))
        seqs.push_back(e.seq);
      EXPECT_EQ(CountEntries(c, f), static_cast<int64_t>(seqs.size()));
      return seqs;
    });
  }

  std::string Export(const Filter& f, int64_t& rows) {
    return db_->Read([&](db::Conn& c) { return ExportCsv(c, f, rows); });
  }
};

using Seqs = std::vector<int64_t>;

TEST_F(AuditSearchTest, NoFilterFindsEverything) {
  EXPECT_EQ(Find({}), (Seqs{1, 2, 3, 4, 5}));
}

TEST_F(AuditSearchTest, ActorByUsername) {
  Filter f;
  f.actor = "admin";
  EXPECT_EQ(Find(f), (Seqs{1, 2}));
}

TEST_F(AuditSearchTest, ActorByIdAlsoMatchesADigitUsername) {
  Filter f;
  f.actor = "7";
  EXPECT_EQ(Find(f), (Seqs{3, 4}));
}

TEST_F(AuditSearchTest, ActionExactOrPrefix) {
  Filter f;
  f.action = "user.update";
  EXPECT_EQ(Find(f), (Seqs{2}));
  f.action = "user.*";
  EXPECT_EQ(Find(f), (Seqs{1, 2}));
  f.action = "user*";
  EXPECT_EQ(Find(f), (Seqs{1, 2, 4}));
  f.action = "USER.*";
  EXPECT_EQ(Find(f), Seqs{});
  f.action = "*";
  EXPECT_EQ(Find(f).size(), 5u);
}

TEST_F(AuditSearchTest, PrefixIsLiteral) {
  Record("user_x.create");
  Filter f;
  f.action = "user_*";
  EXPECT_EQ(Find(f), (Seqs{6}));
}

TEST_F(AuditSearchTest, ObjectTypeAndId) {
  Filter f;
  f.object_type = "point";
  f.object_id = "5";
  EXPECT_EQ(Find(f), (Seqs{1, 2}));
}

TEST_F(AuditSearchTest, TimeRangeIncludesFromExcludesTo) {
  Filter f;
  f.from = kStart + 2000;
  f.to = kStart + 4000;
  EXPECT_EQ(Find(f), (Seqs{2, 3}));
}

TEST_F(AuditSearchTest, PagingAndOrder) {
  db::Page page;
  page.page = 2;
  page.page_size = 2;
  page.order_by = "seq DESC";
  const auto entries = db_->Read([&](db::Conn& c) { return FindEntries(c, {}, page); });
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].seq, 3);
  EXPECT_EQ(entries[1].seq, 2);
}

TEST_F(AuditSearchTest, ExportHasBomBilingualHeaderAndEveryRow) {
  int64_t rows = 0;
  const std::string csv = Export({}, rows);

  EXPECT_EQ(rows, 5);
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF序号 Seq,时间 Time,操作人ID Actor ID,操作人 Actor,", 0), 0u);
  EXPECT_NE(csv.find("\r\n1,2025-12-03T10:00:01Z,1,admin,10.0.0.1,user.create,point,5,"
                     "\"{\"\"name\"\":\"\"old\"\"}\",\"{\"\"name\"\":\"\"new\"\"}\",r1,"
                     "0000000000000000000000000000000000000000000000000000000000000000,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n5,2025-12-03T10:00:05Z,,unknown,"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 6);
}

TEST_F(AuditSearchTest, ExportReadsBeyondOnePage) {
  RecordInOneWrite(2100);
  int64_t rows = 0;
  Export({}, rows);
  EXPECT_EQ(rows, 2105);
}

TEST_F(AuditSearchTest, ExportDefusesFormulas) {
  Record("point.update", "=HYPERLINK(\"http://x\")", {9, "-2+3", "", ""});
  Filter f;
  f.actor = "-2+3";
  int64_t rows = 0;
  const std::string csv = Export(f, rows);

  EXPECT_EQ(rows, 1);
  EXPECT_NE(csv.find(",'-2+3,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << csv;
}

}  // namespace
}  // namespace anxun::audit
