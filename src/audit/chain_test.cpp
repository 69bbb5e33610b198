// Appending entries: the chain they build, and what the database refuses.
#include "audit/audit_test_fixture.h"

#include <stdexcept>

namespace anxun::audit {
namespace {

using AuditChainTest = AuditTest;

TEST_F(AuditChainTest, AppendingBuildsAValidChain) {
  RecordMany(5);

  for (int64_t seq = 1; seq <= 5; ++seq) {
    const StoredEntry e = EntryAt(seq);
    EXPECT_EQ(e.prev_hash, seq == 1 ? std::string(kGenesisHash) : EntryAt(seq - 1).hash);
    EXPECT_EQ(e.hash, ComputeHash(e));
  }
  const VerifyResult r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries_checked, 5);
  EXPECT_EQ(r.first_bad_seq, 0);
}

TEST_F(AuditChainTest, EntryKeepsWhoWhenWhereAndWhat) {
  const int64_t seq = Record("point.update", "12", {7, "zhangsan", "10.0.0.5", "req-1"});

  const StoredEntry e = EntryAt(seq);
  EXPECT_EQ(e.seq, 1);
  EXPECT_EQ(e.at, kStart + 1000);
  EXPECT_EQ(e.actor_id, 7);
  EXPECT_EQ(e.actor_name, "zhangsan");
  EXPECT_EQ(e.ip, "10.0.0.5");
  EXPECT_EQ(e.action, "point.update");
  EXPECT_EQ(e.object_type, "point");
  EXPECT_EQ(e.object_id, "12");
  EXPECT_EQ(e.before_json, R"({"name":"old"})");
  EXPECT_EQ(e.after_json, R"({"name":"new"})");
  EXPECT_EQ(e.request_id, "req-1");
}

// The canonical content and hash are a published format (chain.h): this pins
// them to values computed outside the program (Python's json and hashlib).
TEST_F(AuditChainTest, CanonicalContentAndHashAreStable) {
  Record("point.update", "12", {7, "zhangsan", "10.0.0.5", "req-1"});

  const StoredEntry e = EntryAt(1);
  EXPECT_EQ(CanonicalContent(e),
            R"(["anxun.audit.v1",1,1764756001000,7,"zhangsan","10.0.0.5","point.update",)"
            R"("point","12","{\"name\":\"old\"}","{\"name\":\"new\"}","req-1"])");
  EXPECT_EQ(e.hash, "92a585def51fbb27385c8afa5cdfcd1520a6859ae68da2fd31200d63f8db3f58");
}

TEST_F(AuditChainTest, SystemEntryWithoutChangeStoresNulls) {
  db_->Write([](db::Conn& c) {
    return Append(c, {std::nullopt, "system", "", ""}, {"system.start", "", "", nullptr, nullptr});
  });

  const StoredEntry e = EntryAt(1);
  EXPECT_FALSE(e.actor_id);
  EXPECT_FALSE(e.before_json);
  EXPECT_FALSE(e.after_json);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditChainTest, BadBytesInHeadersNeverBreakTheWrite) {
  const std::string bad_utf8 = "req-\xff\xfe";
  const std::string with_nul("ab\0cd", 5);
  Record("point.update", with_nul, {7, "zhang\xe4", "10.0.0.5", bad_utf8});

  const StoredEntry e = EntryAt(1);
  EXPECT_EQ(e.request_id, "req-\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(e.object_id, "abcd");
  EXPECT_EQ(e.actor_name, "zhang\xEF\xBF\xBD");
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditChainTest, OverlongAndSurrogateBytesAreReplaced) {
  // An overlong NUL, a UTF-16 surrogate and a code point above U+10FFFF:
  // PostgreSQL refuses all three.
  Record("point.update",
         "a\xC0\x80"
         "b\xED\xA0\x80"
         "c\xF4\x90\x80\x80"
         "d",
         {7, "张三", "", ""});

  const StoredEntry e = EntryAt(1);
  const std::string bad = "\xEF\xBF\xBD";
  EXPECT_EQ(e.object_id,
            "a" + bad + bad + "b" + bad + bad + bad + "c" + bad + bad + bad + bad + "d");
  EXPECT_EQ(e.actor_name, "张三");
}

TEST_F(AuditChainTest, LongTextIsCutOnACharacterBoundary) {
  Record("point.update", std::string(199, 'x') + "张");

  EXPECT_EQ(EntryAt(1).object_id, std::string(199, 'x'));
}

TEST_F(AuditChainTest, EntryRollsBackWithTheChangeItRecords) {
  Record();
  EXPECT_THROW(db_->Write([](db::Conn& c) {
    Append(c, {7, "zhangsan", "", ""}, {"point.delete", "point", "3", {}, {}});
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);

  EXPECT_EQ(Record(), 2);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditChainTest, EntryWithoutActionIsAProgrammingError) {
  EXPECT_THROW(db_->Write([](db::Conn& c) { Append(c, {}, {}); }), std::invalid_argument);
}

TEST_F(AuditChainTest, DatabaseRefusesUpdate) {
  Record();

  EXPECT_THROW(
      db_->Write([](db::Conn& c) { c.Exec("UPDATE audit_log SET action = 'x' WHERE seq = 1"); }),
      db::DbError);
  EXPECT_EQ(EntryAt(1).action, "point.update");
}

TEST_F(AuditChainTest, DatabaseRefusesDelete) {
  Record();

  EXPECT_THROW(db_->Write([](db::Conn& c) { c.Exec("DELETE FROM audit_log"); }), db::DbError);
  EXPECT_EQ(EntryAt(1).seq, 1);
}

}  // namespace
}  // namespace anxun::audit
