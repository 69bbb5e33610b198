#include "push/origin.h"

#include <gtest/gtest.h>

namespace anxun::push {
namespace {

TEST(SameOrigin, MatchesHostAndPortWithSchemeDefaults) {
  EXPECT_TRUE(SameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(SameOrigin("https://Plant.Example", "plant.example"));
  EXPECT_TRUE(SameOrigin("https://plant.example", "plant.example:443"));
  EXPECT_TRUE(SameOrigin("http://[::1]:8080", "[::1]:8080"));
}

TEST(SameOrigin, RefusesOtherSitesAndOddValues) {
  EXPECT_FALSE(SameOrigin("http://evil.example", "plant.example"));
  EXPECT_FALSE(SameOrigin("http://127.0.0.1:9090", "127.0.0.1:8080"));
  EXPECT_FALSE(SameOrigin("https://plant.example", "plant.example:80"));
  EXPECT_FALSE(SameOrigin("http://plant.example.evil.example", "plant.example"));
  EXPECT_FALSE(SameOrigin("null", "plant.example"));
  EXPECT_FALSE(SameOrigin("", "plant.example"));
  EXPECT_FALSE(SameOrigin("file://x", "x"));
  EXPECT_FALSE(SameOrigin("http://plant.example", ""));
}

}  // namespace
}  // namespace anxun::push
