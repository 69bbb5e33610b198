// Background jobs of `anxun serve`: each runs on its own thread every
// interval until Stop(). A job that throws is logged and tried again at the
// next interval; it never takes the server down. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace anxun::api {

class Jobs {
 public:
  Jobs() = default;
  Jobs(const Jobs&) = delete;
  Jobs& operator=(const Jobs&) = delete;
  ~Jobs() { Stop(); }

  // Runs `fn` every `interval`, the first time after `interval`.
  void Every(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);

  // Wakes every job's thread and joins them; idempotent.
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace anxun::api
