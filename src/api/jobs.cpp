#include "api/jobs.h"

#include <spdlog/spdlog.h>

namespace anxun::api {

void Jobs::Every(std::string name, std::chrono::milliseconds interval, std::function<void()> fn) {
  threads_.emplace_back([this, name = std::move(name), interval, fn = std::move(fn)] {
    std::unique_lock lk(mu_);
    while (!cv_.wait_for(lk, interval, [this] { return stopping_; })) {
      lk.unlock();
      try {
        fn();
      } catch (const std::exception& e) {
        spdlog::error("job {}: failed ({}); will retry", name, e.what());
      }
      lk.lock();
    }
  });
}

void Jobs::Stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace anxun::api
