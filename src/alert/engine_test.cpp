// The pure intake decisions with explicit times: fingerprints, merge windows,
// level raise, noise filters and silences.
#include "alert/engine.h"

#include <gtest/gtest.h>

namespace anxun::alert {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;  // an instant in 2026
constexpr int64_t kSec = 1000;

Event Camera(std::string cls = "no_helmet") {
  Event e;
  e.source = "camera";
  e.rule = "camera.no_helmet";
  e.level = "general";
  e.org_unit_id = 7;
  e.area_id = 3;
  e.camera_id = "cam-12";
  e.occurred_at = kT0;
  e.labels = {{"class", cls}, {"track", "991"}};
  e.confidence = 0.9;
  return e;
}

Rule HelmetRule() {
  Rule r = DefaultRule("camera.no_helmet");
  r.fingerprint_labels = std::vector<std::string>{"class"};
  r.merge_window_s = 1800;
  r.min_confidence = 0.6;
  r.rate_limit_per_min = 10;
  r.raise_count = 5;
  r.raise_window_s = 3600;
  return r;
}

TEST(Fingerprint, RuleLocationAndNamedLabelsOnly) {
  const Rule r = HelmetRule();
  const Event a = Camera();
  Event b = Camera();
  b.labels["track"] = "992";  // not named by the rule
  b.occurred_at += 5 * kSec;
  b.confidence = 0.7;
  EXPECT_EQ(Fingerprint(a, r), Fingerprint(b, r));
  EXPECT_EQ(Fingerprint(a, r).size(), 64u);

  EXPECT_NE(Fingerprint(a, r), Fingerprint(Camera("no_vest"), r));
  Event other_camera = Camera();
  other_camera.camera_id = "cam-13";
  EXPECT_NE(Fingerprint(a, r), Fingerprint(other_camera, r));
  Event other_area = Camera();
  other_area.area_id = 4;
  EXPECT_NE(Fingerprint(a, r), Fingerprint(other_area, r));
  Event other_rule = Camera();
  other_rule.rule = "camera.intrusion";
  EXPECT_NE(Fingerprint(a, r), Fingerprint(other_rule, r));
}

TEST(Fingerprint, WithoutRuleLabelsEveryLabelCounts) {
  const Rule r = DefaultRule("camera.no_helmet");
  Event b = Camera();
  b.labels["track"] = "992";
  EXPECT_NE(Fingerprint(Camera(), r), Fingerprint(b, r));
  EXPECT_EQ(Fingerprint(Camera(), r), Fingerprint(Camera(), r));
}

TEST(Fingerprint, NoAmbiguityBetweenFields) {
  Rule r = DefaultRule("x");
  Event a;
  a.rule = "x";
  a.labels = {{"a", "b;c=d"}};
  Event b;
  b.rule = "x";
  b.labels = {{"a", "b"}, {"c", "d"}};
  EXPECT_NE(Fingerprint(a, r), Fingerprint(b, r));
}

TEST(MergeWindow, InsideMergesOutsideOpensANewAlert) {
  const Rule r = HelmetRule();  // 30 minutes
  EXPECT_TRUE(InMergeWindow(r, kT0, kT0 + 10 * kSec));
  EXPECT_TRUE(InMergeWindow(r, kT0, kT0 + 1800 * kSec));
  EXPECT_FALSE(InMergeWindow(r, kT0, kT0 + 1800 * kSec + 1));
  EXPECT_TRUE(InMergeWindow(r, kT0, kT0 - 3600 * kSec));  // a late arrival
}

TEST(Levels, OrderAndRaise) {
  EXPECT_EQ(MaxLevel("general", "serious"), "serious");
  EXPECT_EQ(MaxLevel("major", "minor"), "major");
  EXPECT_EQ(RaiseLevel("minor"), "general");
  EXPECT_EQ(RaiseLevel("general"), "serious");
  EXPECT_EQ(RaiseLevel("serious"), "major");
  EXPECT_EQ(RaiseLevel("major"), "major");
  EXPECT_TRUE(IsLevel("minor"));
  EXPECT_FALSE(IsLevel("critical"));
}

TEST(LevelRaise, RepeatsPastTheThresholdRaiseOneStep) {
  const Rule r = HelmetRule();  // 5 in an hour
  EXPECT_EQ(LevelAfter(r, "general", "general", "general", 4), "general");
  EXPECT_EQ(LevelAfter(r, "general", "general", "general", 5), "serious");
  // Only one step above the base, however many more come.
  EXPECT_EQ(LevelAfter(r, "serious", "general", "general", 50), "serious");
  // A more severe event raises at once; the level never drops.
  EXPECT_EQ(LevelAfter(r, "general", "general", "major", 1), "major");
  EXPECT_EQ(LevelAfter(r, "serious", "general", "minor", 1), "serious");
  Rule never = r;
  never.raise_count = 0;
  EXPECT_EQ(LevelAfter(never, "general", "general", "general", 1000), "general");
}

TEST(Filters, ConfidenceLabelsDurationRate) {
  Rule r = HelmetRule();
  EXPECT_EQ(FilterReason(Camera(), r, {}), std::nullopt);

  Event low = Camera();
  low.confidence = 0.4;
  EXPECT_EQ(FilterReason(low, r, {}), "low_confidence");
  low.confidence.reset();  // a person's event has no confidence: never filtered for it
  EXPECT_EQ(FilterReason(low, r, {}), std::nullopt);

  r.required_labels = {"zone"};
  EXPECT_EQ(FilterReason(Camera(), r, {}), "missing_label:zone");
  Event zoned = Camera();
  zoned.labels["zone"] = "tank-farm";
  EXPECT_EQ(FilterReason(zoned, r, {}), std::nullopt);

  r.min_duration_s = 30;
  EXPECT_EQ(FilterReason(zoned, r, {0, 29 * kSec}), "min_duration");
  EXPECT_EQ(FilterReason(zoned, r, {0, 30 * kSec}), std::nullopt);

  EXPECT_EQ(FilterReason(zoned, r, {9, 60 * kSec}), std::nullopt);
  EXPECT_EQ(FilterReason(zoned, r, {10, 60 * kSec}), "rate_limited");
}

TEST(Silences, MatchLabelsInTimeRange) {
  Silence s;
  s.matchers = {{"alertname", "camera.no_helmet", true}, {"camera_id", "cam-12", true}};
  s.starts_at = kT0;
  s.ends_at = kT0 + 3600 * kSec;
  const Labels labels = MatchLabels(Camera());
  EXPECT_TRUE(SilenceMatches(s, labels, kT0));
  EXPECT_TRUE(SilenceMatches(s, labels, kT0 + 3599 * kSec));
  EXPECT_FALSE(SilenceMatches(s, labels, kT0 + 3600 * kSec));  // ended
  EXPECT_FALSE(SilenceMatches(s, labels, kT0 - 1));            // not yet

  Event other = Camera();
  other.camera_id = "cam-13";
  EXPECT_FALSE(SilenceMatches(s, MatchLabels(other), kT0));

  Silence not_cam = s;
  not_cam.matchers = {{"camera_id", "cam-13", false}};
  EXPECT_TRUE(SilenceMatches(not_cam, labels, kT0));
  EXPECT_FALSE(SilenceMatches(not_cam, MatchLabels(other), kT0));

  Silence empty = s;
  empty.matchers.clear();
  EXPECT_FALSE(SilenceMatches(empty, labels, kT0));
}

}  // namespace
}  // namespace anxun::alert
