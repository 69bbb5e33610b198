// HeadSigner: the key files, when a head is signed, and the background thread.
#include "audit/audit_test_fixture.h"

#include <sys/stat.h>

#include <chrono>
#include <thread>

namespace anxun::audit {
namespace {

using AuditHeadSignerTest = AuditTest;

std::vector<SignedHead> HeadsIn(const std::filesystem::path& log) {
  std::vector<SignedHead> heads;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    auto head = ParseHeadLine(line);
    EXPECT_TRUE(head) << line;
    if (head) heads.push_back(*head);
  }
  return heads;
}

mode_t ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST_F(AuditHeadSignerTest, KeyIsCreatedOnFirstUsePrivateToTheOwner) {
  HeadSigner signer(dir_, *db_);

  EXPECT_EQ(ModeOf(dir_ / kKeyFileName), 0600u);
  const auto pub = LoadPublicKey(dir_);
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub->size(), 32u);
}

TEST_F(AuditHeadSignerTest, SameKeyIsUsedAfterRestart) {
  std::optional<std::string> first, second;
  {
    HeadSigner signer(dir_, *db_);
    first = LoadPublicKey(dir_);
  }
  {
    HeadSigner signer(dir_, *db_);
    second = LoadPublicKey(dir_);
  }

  ASSERT_TRUE(first);
  EXPECT_EQ(first, second);
}

TEST_F(AuditHeadSignerTest, KeyReadableByOthersIsTightened) {
  { HeadSigner first(dir_, *db_); }
  ::chmod((dir_ / kKeyFileName).c_str(), 0644);

  HeadSigner signer(dir_, *db_);
  EXPECT_EQ(ModeOf(dir_ / kKeyFileName), 0600u);
}

TEST_F(AuditHeadSignerTest, PublicKeyOfAnotherKeyIsRefused) {
  { HeadSigner first(dir_, *db_); }
  std::ofstream(dir_ / kPublicKeyFileName, std::ios::trunc) << std::string(64, 'a') << "\n";

  EXPECT_THROW(HeadSigner signer(dir_, *db_), std::runtime_error);
}

TEST_F(AuditHeadSignerTest, EmptyChainIsNotSigned) {
  EXPECT_FALSE(SignHead());
  EXPECT_FALSE(std::filesystem::exists(dir_ / kHeadsLogName));
}

TEST_F(AuditHeadSignerTest, SignsOnlyWhenTheHeadChanged) {
  HeadSigner signer(dir_, *db_);
  RecordMany(3);

  const auto first = signer.SignNow();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq, 3);
  EXPECT_EQ(first->hash, EntryAt(3).hash);
  EXPECT_FALSE(signer.SignNow());

  Record();
  const auto second = signer.SignNow();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->seq, 4);

  const auto heads = HeadsIn(dir_ / kHeadsLogName);
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[1].seq, 4);
  EXPECT_TRUE(VerifyHeadSignature(heads[1], *LoadPublicKey(dir_)));
}

TEST_F(AuditHeadSignerTest, RestartDoesNotSignTheSameHeadAgain) {
  RecordMany(3);
  ASSERT_TRUE(SignHead());

  EXPECT_FALSE(SignHead());
  EXPECT_EQ(HeadsIn(dir_ / kHeadsLogName).size(), 1u);
}

TEST_F(AuditHeadSignerTest, LineCutShortDoesNotSwallowTheNext) {
  HeadSigner signer(dir_, *db_);
  RecordMany(2);
  signer.SignNow();
  std::ofstream(dir_ / kHeadsLogName, std::ios::app) << "{\"seq\":2,\"ha";
  Record();
  signer.SignNow();

  const VerifyResult r = Verify();
  EXPECT_EQ(r.problem, "heads log line 2 is malformed");
  EXPECT_EQ(r.heads_checked, 2);
}

TEST_F(AuditHeadSignerTest, RefusesToSignARewrittenChain) {
  HeadSigner signer(dir_, *db_);
  RecordMany(5);
  signer.SignNow();
  Rechain(2, "point.view");
  Record();

  EXPECT_THROW(signer.SignNow(), std::runtime_error);
  EXPECT_EQ(HeadsIn(dir_ / kHeadsLogName).size(), 1u);
}

TEST_F(AuditHeadSignerTest, RefusesToSignAfterTheSignedHeadWasRemoved) {
  HeadSigner signer(dir_, *db_);
  RecordMany(5);
  signer.SignNow();
  Tamper("DELETE FROM audit_log WHERE seq = 5");

  EXPECT_THROW(signer.SignNow(), std::runtime_error);
}

TEST_F(AuditHeadSignerTest, StopSignsOnceMore) {
  HeadSigner signer(dir_, *db_);
  signer.Start(std::chrono::hours(1));
  RecordMany(4);

  signer.Stop();
  const auto heads = HeadsIn(dir_ / kHeadsLogName);
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].seq, 4);
  signer.Stop();  // a second Stop does nothing
}

TEST_F(AuditHeadSignerTest, BackgroundThreadSignsAtIntervals) {
  HeadSigner signer(dir_, *db_);
  RecordMany(2);
  signer.Start(std::chrono::milliseconds(5));

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (HeadsIn(dir_ / kHeadsLogName).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(HeadsIn(dir_ / kHeadsLogName).size(), 1u);
  EXPECT_THROW(signer.Start(std::chrono::seconds(1)), std::logic_error);
  EXPECT_THROW(HeadSigner(dir_, *db_).Start(std::chrono::seconds(0)), std::invalid_argument);
  signer.Stop();
  EXPECT_EQ(HeadsIn(dir_ / kHeadsLogName).size(), 1u);
}

}  // namespace
}  // namespace anxun::audit
