#include "auth/auth_test_fixture.h"

namespace anxun::auth {
namespace {

class SessionTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    user_id_ = AddUser("zhangsan", plant_a_, {"inspector"});
    token_ = LoginAs("zhangsan").session.token;
  }

  int64_t user_id_ = 0;
  std::string token_;
};

TEST_F(SessionTest, AuthenticatesTheCaller) {
  const auto p = Authenticate(token_);

  ASSERT_TRUE(p);
  EXPECT_EQ(p->user_id, user_id_);
  EXPECT_EQ(p->username, "zhangsan");
  EXPECT_EQ(p->org_unit_id, plant_a_);
  EXPECT_FALSE(p->csrf_token.empty());
  EXPECT_FALSE(p->restricted);
  EXPECT_TRUE(p->Can("hazard.report"));
  EXPECT_FALSE(p->Can("hazard.verify"));
}

TEST_F(SessionTest, StoresOnlyTheTokenHash) {
  const auto stored =
      db_->Read([](db::Conn& c) { return c.QueryOne("SELECT token_hash FROM sessions")->Str(0); });

  EXPECT_EQ(stored, Sha256Hex(token_));
  EXPECT_FALSE(Authenticate(stored));
}

TEST_F(SessionTest, RefusesUnknownTokens) {
  EXPECT_FALSE(Authenticate(""));
  EXPECT_FALSE(Authenticate(RandomToken(32)));
  EXPECT_FALSE(Authenticate(std::string(4096, 'a')));
}

TEST_F(SessionTest, EndsAfterThirtyIdleMinutes) {
  AdvanceNowForTesting(29 * kMinuteMs);
  EXPECT_TRUE(Authenticate(token_));

  AdvanceNowForTesting(29 * kMinuteMs);  // activity above kept it alive
  EXPECT_TRUE(Authenticate(token_));

  AdvanceNowForTesting(31 * kMinuteMs);
  EXPECT_FALSE(Authenticate(token_));
}

TEST_F(SessionTest, EndsAfterTwelveHoursWhateverTheActivity) {
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    AdvanceNowForTesting(20 * kMinuteMs);
    ASSERT_TRUE(Authenticate(token_)) << "after " << (i + 1) * 20 << " minutes";
  }
  AdvanceNowForTesting(20 * kMinuteMs);
  EXPECT_FALSE(Authenticate(token_));
}

TEST_F(SessionTest, RecordsActivityAtMostOnceAMinute) {
  auto last_seen = [&] {
    return db_->Read(
        [](db::Conn& c) { return c.QueryInt("SELECT last_seen_at FROM sessions").value_or(0); });
  };
  AdvanceNowForTesting(30 * kSecondMs);
  Authenticate(token_);
  EXPECT_EQ(last_seen(), kStart);

  AdvanceNowForTesting(31 * kSecondMs);
  Authenticate(token_);
  EXPECT_EQ(last_seen(), kStart + 61 * kSecondMs);
}

TEST_F(SessionTest, RevokedSessionsEndAtOnce) {
  ASSERT_TRUE(Authenticate(token_));  // now cached
  const int64_t id = Authenticate(token_)->session_id;

  db_->Write([&](db::Conn& c) { RevokeSession(c, id); });
  InvalidateSessionCache();

  EXPECT_FALSE(Authenticate(token_));
}

TEST_F(SessionTest, LockingOrDeactivatingTheUserEndsSessions) {
  const std::string second = LoginAs("zhangsan").session.token;
  LockUser(*db_, Admin(), user_id_);
  EXPECT_FALSE(Authenticate(token_));
  EXPECT_FALSE(Authenticate(second));
  EXPECT_EQ(ExpectApiError([&] { LoginAs("zhangsan"); }).status(), 423);

  UnlockUser(*db_, Admin(), user_id_);
  const std::string third = LoginAs("zhangsan").session.token;
  db_->Write([&](db::Conn& c) { UpdateUser(c, Admin(), user_id_, {.active = false}); });
  InvalidateSessionCache();
  EXPECT_FALSE(Authenticate(third));
}

TEST_F(SessionTest, RoleChangesApplyToOpenSessions) {
  db_->Write([&](db::Conn& c) {
    SetUserRoles(c, Admin(), user_id_, {RoleId("inspector"), RoleId("safety_officer")});
  });
  InvalidateSessionCache();

  EXPECT_TRUE(Authenticate(token_)->Can("hazard.verify"));
}

TEST_F(SessionTest, PurgesEndedSessions) {
  AdvanceNowForTesting(2 * kDayMs);
  const int64_t purged = db_->Write([&](db::Conn& c) { return PurgeEndedSessions(c, cfg_); });
  EXPECT_EQ(purged, 1);
}

}  // namespace
}  // namespace anxun::auth
