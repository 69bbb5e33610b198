#include "api/jobs.h"

#include <gtest/gtest.h>

#include <atomic>

namespace anxun::api {
namespace {

TEST(Jobs, RunsRepeatedlyUntilStoppedAndSurvivesExceptions) {
  std::atomic<int> runs{0};
  Jobs jobs;
  jobs.Every("flaky", std::chrono::milliseconds(5), [&] {
    if (++runs % 2 == 0) throw std::runtime_error("every other run fails");
  });
  while (runs.load() < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  jobs.Stop();
  const int after_stop = runs.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(runs.load(), after_stop);
}

}  // namespace
}  // namespace anxun::api
