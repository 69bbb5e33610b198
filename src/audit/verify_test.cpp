// VerifyChain against each kind of tampering: every one is caught and names
// the first bad entry.
#include "audit/audit_test_fixture.h"

namespace anxun::audit {
namespace {

using AuditVerifyTest = AuditTest;

TEST_F(AuditVerifyTest, EmptyTrailIsValid) {
  const VerifyResult r = Verify();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.entries_checked, 0);
}

TEST_F(AuditVerifyTest, SignedChainIsValid) {
  RecordMany(10);
  SignHead();
  RecordMany(10);
  SignHead();

  const VerifyResult r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries_checked, 20);
  EXPECT_EQ(r.heads_checked, 2);
}

TEST_F(AuditVerifyTest, AlteredContentIsNamed) {
  RecordMany(20);
  Tamper("UPDATE audit_log SET after_json = '{\"name\":\"forged\"}' WHERE seq = 7");

  const VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.problem, "entry 7 was altered");
  EXPECT_EQ(r.entries_checked, 6);
}

TEST_F(AuditVerifyTest, AlteredHashIsNamed) {
  RecordMany(5);
  Tamper("UPDATE audit_log SET hash = ? WHERE seq = 3", {std::string(64, 'a')});

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_EQ(r.problem, "entry 3 was altered");
}

TEST_F(AuditVerifyTest, AlteredEntryWithItsOwnHashRecomputedIsNamed) {
  RecordMany(10);
  StoredEntry e = EntryAt(4);
  e.actor_name = "lisi";
  Tamper("UPDATE audit_log SET actor_name = ?, hash = ? WHERE seq = 4",
         {e.actor_name, ComputeHash(e)});

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 4);
  EXPECT_EQ(r.problem, "entry 4 was altered");
}

TEST_F(AuditVerifyTest, RemovedMiddleEntryIsNamed) {
  RecordMany(20);
  Tamper("DELETE FROM audit_log WHERE seq = 9");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 9);
  EXPECT_EQ(r.problem, "entry 9 was removed");
}

TEST_F(AuditVerifyTest, RemovedFirstEntryIsNamed) {
  RecordMany(3);
  Tamper("DELETE FROM audit_log WHERE seq = 1");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 1);
  EXPECT_EQ(r.problem, "entry 1 was removed");
}

TEST_F(AuditVerifyTest, RemovedTailAfterSignedHeadIsNamed) {
  RecordMany(20);
  SignHead();
  Tamper("DELETE FROM audit_log WHERE seq > 17");

  const VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 18);
  EXPECT_EQ(r.problem, "entry 18 was removed (signed head 20 is beyond the last entry, 17)");
}

TEST_F(AuditVerifyTest, ReorderedEntriesAreNamed) {
  RecordMany(20);
  Tamper("UPDATE audit_log SET seq = 1000 WHERE seq = 7");
  Tamper("UPDATE audit_log SET seq = 7 WHERE seq = 8");
  Tamper("UPDATE audit_log SET seq = 8 WHERE seq = 1000");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.problem, "entries reordered at 7");
}

TEST_F(AuditVerifyTest, EntryMovedFarIsNamedAsReordering) {
  RecordMany(20);
  // 3 goes to the end; 4..20 move down one place.
  Tamper("UPDATE audit_log SET seq = 100 WHERE seq = 3");
  Tamper("UPDATE audit_log SET seq = seq - 1 WHERE seq > 3 AND seq <= 20");
  Tamper("UPDATE audit_log SET seq = 20 WHERE seq = 100");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_EQ(r.problem, "entries reordered at 3");
}

TEST_F(AuditVerifyTest, RechainedEntriesAreCaughtBySignedHead) {
  RecordMany(10);
  SignHead();
  RecordMany(10);
  SignHead();
  Rechain(15, "point.view");
  ASSERT_EQ(EntryAt(15).action, "point.view");

  const VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 11);
  EXPECT_EQ(r.problem,
            "chain re-computed: signed head 20 does not match (the change lies in entries 11..20)");
  EXPECT_EQ(r.entries_checked, 20);
  EXPECT_EQ(r.heads_checked, 2);
}

TEST_F(AuditVerifyTest, RechainedFromTheStartIsCaught) {
  RecordMany(5);
  SignHead();
  Rechain(1, "point.view");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 1);
  EXPECT_EQ(r.problem,
            "chain re-computed: signed head 5 does not match (the change lies in entries 1..5)");
}

TEST_F(AuditVerifyTest, ForgedSignatureLineIsNamed) {
  RecordMany(10);
  SignHead();
  RecordMany(5);
  const StoredEntry head = EntryAt(15);
  AppendToHeadsLog(FormatHeadLine(
      {15, head.hash, "2025-12-03T10:30:00Z", Base64Encode(std::string(64, '\x01'))}));

  const VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 15);
  EXPECT_EQ(r.problem,
            "signed head 15 (heads log line 2) has an invalid signature: forged or altered");
}

TEST_F(AuditVerifyTest, EditedHeadLineIsNamed) {
  RecordMany(10);
  SignHead();
  Rechain(4, "point.view");
  // Someone re-writes the signed line to the new hash, keeping the signature.
  auto line = ParseHeadLine([&] {
    std::ifstream in(dir_ / kHeadsLogName);
    std::string s;
    std::getline(in, s);
    return s;
  }());
  ASSERT_TRUE(line);
  line->hash = EntryAt(10).hash;
  std::ofstream(dir_ / kHeadsLogName, std::ios::trunc) << FormatHeadLine(*line) << "\n";

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 10);
  EXPECT_EQ(r.problem,
            "signed head 10 (heads log line 1) has an invalid signature: forged or altered");
}

TEST_F(AuditVerifyTest, MalformedHeadLineIsReported) {
  RecordMany(3);
  SignHead();
  AppendToHeadsLog("{\"seq\": \"three\"}");

  const VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem, "heads log line 2 is malformed");
}

TEST_F(AuditVerifyTest, MissingPublicKeyIsReported) {
  RecordMany(3);
  SignHead();
  std::filesystem::remove(dir_ / kPublicKeyFileName);

  const VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("audit-signing.pub is missing or malformed"), std::string::npos)
      << r.problem;
}

TEST_F(AuditVerifyTest, ReadsBeyondOnePage) {
  RecordInOneWrite(2500);
  EXPECT_TRUE(Verify().ok);
  Tamper("UPDATE audit_log SET ip = '10.9.9.9' WHERE seq = 2300");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 2300);
  EXPECT_EQ(r.entries_checked, 2299);
}

TEST_F(AuditVerifyTest, FirstProblemByPositionWins) {
  RecordMany(20);
  SignHead();
  Tamper("DELETE FROM audit_log WHERE seq = 19");
  Tamper("UPDATE audit_log SET action = 'x' WHERE seq = 5");

  const VerifyResult r = Verify();
  EXPECT_EQ(r.first_bad_seq, 5);
  EXPECT_EQ(r.problem, "entry 5 was altered");
}

}  // namespace
}  // namespace anxun::audit
