// The hub without a server or database: fake sockets record what they were
// sent, a fake source holds the notifications, and the clock is set by hand.
#include "push/hub.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>

namespace anxun::push {
namespace {

class FakeSocket : public http::WebSocket {
 public:
  explicit FakeSocket(size_t capacity = 1000) : capacity_(capacity) {}
  bool Send(std::string text) override {
    if (closed_) return false;
    if (sent_.size() >= capacity_) {
      Close(http::kClosePolicy, "too slow");
      return false;
    }
    sent_.push_back(boost::json::parse(text).as_object());
    return true;
  }
  void Close(uint16_t code, std::string) override {
    if (!closed_) close_code_ = code;
    closed_ = true;
  }
  const std::string& remote_ip() const override { return ip_; }

  // The ids of the notifications sent, in order, and the other messages' types.
  std::vector<int64_t> Ids() const {
    std::vector<int64_t> out;
    for (const auto& m : sent_)
      if (m.at("type") == "notification") out.push_back(m.at("id").as_int64());
    return out;
  }
  std::vector<std::string> Types() const {
    std::vector<std::string> out;
    for (const auto& m : sent_)
      out.emplace_back(m.at("type").as_string());
    return out;
  }
  const boost::json::object& Last() const { return sent_.back(); }
  void Clear() { sent_.clear(); }
  bool closed() const { return closed_; }
  uint16_t close_code() const { return close_code_; }

 private:
  size_t capacity_;
  std::vector<boost::json::object> sent_;
  bool closed_ = false;
  uint16_t close_code_ = 0;
  std::string ip_ = "127.0.0.1";
};

class FakeSource : public Source {
 public:
  std::vector<Notification> After(int64_t user_id, int64_t after, int64_t limit) override {
    ++reads;
    std::vector<Notification> out;
    for (const auto& [id, n] : rows_) {
      if (n.user_id == user_id && id > after && static_cast<int64_t>(out.size()) < limit)
        out.push_back(n);
    }
    return out;
  }
  int64_t LatestId(int64_t user_id) override {
    int64_t latest = 0;
    for (const auto& [id, n] : rows_)
      if (n.user_id == user_id) latest = id;
    return latest;
  }
  void Add(int64_t id, int64_t user_id) {
    Notification n;
    n.id = id;
    n.user_id = user_id;
    n.kind = "alert";
    n.level = "major";
    n.title = "alert " + std::to_string(id);
    n.popup = true;
    rows_[id] = n;
  }
  int reads = 0;

 private:
  std::map<int64_t, Notification> rows_;
};

class HubTest : public ::testing::Test {
 protected:
  HubTest() : hub_(source_, Options(), [this] { return now_; }) {}

  static HubOptions Options() {
    HubOptions o;
    o.per_user_connections = 2;
    o.backlog_limit = 3;
    o.pump_limit = 3;
    o.settle_ms = 10000;
    return o;
  }

  // Opens a socket for `user` (session 100 + user) and says hello.
  std::shared_ptr<FakeSocket> Connect(int64_t user, std::optional<int64_t> after,
                                      size_t capacity = 1000) {
    auto slot = hub_.Reserve(user);
    EXPECT_TRUE(slot);
    auto ws = std::make_shared<FakeSocket>(capacity);
    handlers_.push_back(hub_.Attach(slot, ws, 100 + user));
    boost::json::object hello{{"type", "hello"}};
    if (after) hello["after"] = *after;
    handlers_.back().on_message(boost::json::serialize(hello));
    return ws;
  }

  FakeSource source_;
  int64_t now_ = 1'000'000;
  Hub hub_;
  std::vector<http::WebSocketHandler> handlers_;
};

TEST_F(HubTest, HelloSendsTheBacklogAfterTheCursorThenReady) {
  source_.Add(1, 7);
  source_.Add(2, 8);
  source_.Add(3, 7);

  auto ws = Connect(7, 0);

  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(ws->Types().back(), "ready");
  auto later = Connect(7, 1);
  EXPECT_EQ(later->Ids(), (std::vector<int64_t>{3}));
}

TEST_F(HubTest, HelloWithoutCursorStartsFromNow) {
  source_.Add(1, 7);

  auto ws = Connect(7, std::nullopt);

  EXPECT_EQ(ws->Types(), (std::vector<std::string>{"ready"}));
}

TEST_F(HubTest, ALongBacklogEndsWithAGapHintAndTheCursorAtTheLatest) {
  for (int64_t id = 1; id <= 5; ++id)
    source_.Add(id, 7);

  auto ws = Connect(7, 0);

  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ws->Types(), (std::vector<std::string>{"notification", "notification", "notification",
                                                   "gap", "ready"}));
  ws->Clear();
  source_.Add(6, 7);
  hub_.Wake({7});
  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{6}));
}

TEST_F(HubTest, ACursorBeyondTheDatabaseIsResetWithAGap) {
  source_.Add(4, 7);

  auto ws = Connect(7, 99);

  EXPECT_EQ(ws->Types(), (std::vector<std::string>{"gap", "ready"}));
  source_.Add(5, 7);
  hub_.Wake({7});
  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{5}));
}

TEST_F(HubTest, WakeSendsNewRowsOnlyToThatUsersReadySockets) {
  auto mine = Connect(7, 0);
  auto other = Connect(8, 0);
  auto slot = hub_.Reserve(7);
  auto silent = std::make_shared<FakeSocket>();
  handlers_.push_back(hub_.Attach(slot, silent, 107));  // no hello yet

  source_.Add(1, 7);
  hub_.Wake({7, 8});

  EXPECT_EQ(mine->Ids(), (std::vector<int64_t>{1}));
  EXPECT_TRUE(other->Ids().empty());
  EXPECT_TRUE(silent->Types().empty());
}

TEST_F(HubTest, RepeatedWakesSendEachNotificationOnce) {
  auto ws = Connect(7, 0);
  source_.Add(1, 7);

  hub_.Wake({7});
  hub_.Wake({7});
  now_ += 20000;
  hub_.WakeAll();

  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{1}));
}

TEST_F(HubTest, ALowerIdCommittedLateIsStillSent) {
  auto ws = Connect(7, 0);
  source_.Add(11, 7);
  hub_.Wake({7});

  now_ += 500;  // another server's transaction with id 10 commits just after
  source_.Add(10, 7);
  hub_.Wake({7});

  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{11, 10}));
}

TEST_F(HubTest, TheCursorSettlesSoReadsStayBounded) {
  auto ws = Connect(7, 0);
  for (int64_t id = 1; id <= 3; ++id)
    source_.Add(id, 7);
  hub_.Wake({7});
  now_ += 10001;
  hub_.Wake({7});  // settles 1..3

  source_.Add(4, 7);
  hub_.Wake({7});

  EXPECT_EQ(ws->Ids(), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST_F(HubTest, ASlowConsumerIsClosedAndCatchesUpOnReconnect) {
  auto slow = Connect(7, 0, /*capacity=*/3);  // "ready" and two notifications
  for (int64_t id = 1; id <= 3; ++id)
    source_.Add(id, 7);

  hub_.Wake({7});

  EXPECT_TRUE(slow->closed());
  EXPECT_EQ(slow->close_code(), http::kClosePolicy);
  handlers_.front().on_close();
  auto again = Connect(7, slow->Ids().back());
  EXPECT_EQ(again->Ids(), (std::vector<int64_t>{3}));
}

TEST_F(HubTest, EachUserHasACapOnSocketsAndClosingFreesASlot) {
  Connect(7, 0);
  Connect(7, 0);

  EXPECT_FALSE(hub_.Reserve(7));
  EXPECT_TRUE(hub_.Reserve(8));
  handlers_.front().on_close();
  EXPECT_TRUE(hub_.Reserve(7));
  EXPECT_EQ(hub_.connection_count(), 1u);
}

TEST_F(HubTest, EndedSessionsAreClosedWith4401) {
  auto a = Connect(7, 0);
  auto b = Connect(8, 0);

  EXPECT_EQ(hub_.SessionIds(), (std::vector<int64_t>{107, 108}));
  hub_.EndSessions({108});

  EXPECT_TRUE(a->closed());
  EXPECT_EQ(a->close_code(), http::kCloseSessionEnded);
  EXPECT_FALSE(b->closed());
}

TEST_F(HubTest, PingIsAnsweredAndBadMessagesGetAnError) {
  auto ws = Connect(7, 0);
  ws->Clear();

  handlers_.back().on_message(R"({"type":"ping"})");
  handlers_.back().on_message("not json");
  handlers_.back().on_message(R"({"type":"hello","after":-1})");

  EXPECT_EQ(ws->Types(), (std::vector<std::string>{"pong", "error", "error"}));
  EXPECT_EQ(ws->Last().at("code"), "bad_after");
}

}  // namespace
}  // namespace anxun::push
