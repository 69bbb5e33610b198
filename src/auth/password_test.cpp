#include "auth/password.h"

#include "common/clock.h"
#include "common/crypto.h"

#include <gtest/gtest.h>

namespace anxun::auth {
namespace {

class PasswordPolicyTest : public ::testing::Test {
 protected:
  bool Accepts(std::string_view password, std::string_view username = "zhangsan") {
    return !CheckPasswordPolicy(policy_, username, password).has_value();
  }

  PasswordPolicy policy_;
};

TEST_F(PasswordPolicyTest, RefusesShortPasswords) {
  EXPECT_FALSE(Accepts("Ab1-Ab1-Ab1"));  // 11 characters
  EXPECT_TRUE(Accepts("Ab1-Ab1-Ab1-"));  // 12
}

TEST_F(PasswordPolicyTest, CountsCharactersNotBytes) {
  EXPECT_FALSE(Accepts("安全巡检安全巡检Ab1"));  // 11 characters, 27 bytes
  EXPECT_TRUE(Accepts("安全巡检安全巡检Ab12"));
}

TEST_F(PasswordPolicyTest, NeedsThreeOfFourClasses) {
  EXPECT_FALSE(Accepts("abcdefghijklmn"));
  EXPECT_FALSE(Accepts("abcdefgh123456"));
  EXPECT_TRUE(Accepts("abcdefgh12345X"));
  EXPECT_TRUE(Accepts("abcdefgh12345!"));
  EXPECT_TRUE(Accepts("ABCDEFGH12345!"));
}

TEST_F(PasswordPolicyTest, RefusesTheUsernameInAnyCase) {
  EXPECT_FALSE(Accepts("xx-ZhangSan-2025", "zhangsan"));
  EXPECT_TRUE(Accepts("xx-Zhang-San-2025", "zhangsan"));
}

TEST_F(PasswordPolicyTest, FollowsTheConfiguration) {
  policy_.min_length = 8;
  policy_.min_classes = 2;
  EXPECT_TRUE(Accepts("abcdef12"));
}

TEST(Argon2id, HashesWithSaltAndVerifies) {
  InitCrypto();
  const std::string a = HashPassword("Correct-Horse-42");
  const std::string b = HashPassword("Correct-Horse-42");

  EXPECT_TRUE(a.starts_with("$argon2id$"));
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword("Correct-Horse-42", a));
  EXPECT_FALSE(VerifyPassword("correct-horse-42", a));
  EXPECT_FALSE(VerifyPassword("Correct-Horse-42", ""));
  EXPECT_FALSE(VerifyPassword("Correct-Horse-42", "$argon2id$garbage"));
  EXPECT_FALSE(PasswordNeedsRehash(a));
}

class RestrictionTest : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1764756000000;

  Restriction At(int64_t days_since_change) {
    account_.password_changed_at = kNow - days_since_change * kDayMs;
    return ComputeRestriction(policy_, account_, kNow);
  }

  PasswordPolicy policy_;
  AccountState account_{.totp_enabled = true};
};

TEST_F(RestrictionTest, AdministratorPasswordsExpireAfterNinetyDays) {
  account_.is_admin = true;
  EXPECT_FALSE(At(89).any());
  EXPECT_TRUE(At(91).change_password);
}

TEST_F(RestrictionTest, OtherPasswordsDoNotExpireByDefault) {
  EXPECT_FALSE(At(400).any());
  policy_.user_max_age_days = 180;
  EXPECT_TRUE(At(181).change_password);
}

TEST_F(RestrictionTest, ForcedChangeAndMissingTotpRestrict) {
  account_.must_change_password = true;
  EXPECT_TRUE(At(0).change_password);

  account_ = {.is_admin = true, .totp_enabled = false};
  const Restriction r = At(0);
  EXPECT_TRUE(r.enroll_totp);
  EXPECT_FALSE(r.change_password);
}

TEST_F(RestrictionTest, DemoAccountsAreExempt) {
  account_ = {.must_change_password = true, .password_exempt = true, .is_admin = true};
  EXPECT_FALSE(At(1000).any());
}

}  // namespace
}  // namespace anxun::auth
