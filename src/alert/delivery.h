// Delivery of alert notices to outside channels, through an outbox.
//
// The routing code writes one alert_notices row per org unit told, in the
// same transaction as the alert change. The delivery worker then:
//   1. fans out: in one Write, each pending notice becomes one deliveries row
//      per matching channel (the unit's enabled channels whose minimum level
//      the notice meets) and is marked 'fanned_out';
//   2. claims due rows (pending and next_attempt_at <= now, or 'sending' with
//      an expired lease) by a conditional UPDATE that sets state 'sending',
//      claimed_until and a claim token — safe with several servers on one
//      PostgreSQL: only one UPDATE can match;
//   3. sends outside any transaction (sender.h) and records the answer: 'sent'
//      when the receiver acknowledged (never sent again), otherwise 'pending'
//      with exponential back-off, or 'failed' after the last try (an
//      administrator may retry it, delivery_log.h).
// A crash between the receiver's acknowledgement and step 3's Write means the
// row is sent again after its lease expires: at-least-once. The delivery id
// travels with every message (X-Anxun-Delivery, the mail's Message-ID) so
// receivers can drop duplicates.
//
// Settings (environment, read once at start by DeliveryOptionsFromEnv):
//   ANXUN_DELIVERY_BACKOFF_MS         waits between tries, comma-separated
//                                     (default 10000,30000,120000,600000,3600000:
//                                     6 tries in all; "" = one try only)
//   ANXUN_DELIVERY_POLL_MS            how often the worker looks (default 1000)
//   ANXUN_DELIVERY_CONNECT_TIMEOUT_MS connect timeout (default 5000)
//   ANXUN_DELIVERY_TIMEOUT_MS         total time of one try (default 15000)
//   ANXUN_DELIVERY_LEASE_MS           claim lease (default 60000; at least the
//                                     total timeout + 2 s)
//   ANXUN_DELIVERY_LINK_BASE          prefix for relative links in messages,
//                                     e.g. https://anxun.plant.example
#pragma once

#include "alert/channel_formats.h"
#include "alert/channels.h"
#include "alert/sender.h"
#include "auth/principal.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace anxun::alert {

struct DeliveryOptions {
  std::vector<int64_t> backoff_ms = {10'000, 30'000, 120'000, 600'000, 3'600'000};
  int64_t poll_ms = 1000;
  int64_t lease_ms = 60'000;
  // Rows claimed per round, each sent on its own thread: a claimed row never
  // waits behind another send, so a lease only has to outlast one try.
  int parallel = 8;
  std::string link_base;
  SendOptions send;

  // Tries per round: the first one plus one per back-off step.
  int MaxAttempts() const { return static_cast<int>(backoff_ms.size()) + 1; }
};

// The defaults overridden by the ANXUN_DELIVERY_* variables above. Throws
// std::runtime_error naming the variable when a value is malformed.
DeliveryOptions DeliveryOptionsFromEnv();

// When to try again after try number `round_attempt` (1-based, counted since
// the row was last queued) failed at `now`; nullopt when it was the last.
std::optional<int64_t> NextAttemptAt(const DeliveryOptions& o, int round_attempt, int64_t now);

// Step 1 for at most `limit` notices. REQUIRES: inside Database::Write.
// Returns the number of notices fanned out.
int FanOutNotices(db::Conn& c, const DeliveryOptions& o, int64_t now, int limit = 200);

// A row this server claimed, with all it needs to send.
struct ClaimedDelivery {
  int64_t id = 0;
  std::string claim_token;
  int attempt = 0;        // tries in all, this one included
  int round_attempt = 0;  // tries since last queued, this one included
  bool test = false;
  Channel channel;
  NoticeMessage message;
  std::vector<std::string> recipients;  // e-mail addresses of the notice's users
};

// Step 2: claims up to o.parallel due rows. Rows whose channel was disabled or
// deleted fail at once instead. REQUIRES: inside Database::Write.
std::vector<ClaimedDelivery> ClaimDue(db::Conn& c, const DeliveryOptions& o, int64_t now);

// Step 3: records the try and moves the row on. A success is recorded even
// when the claim was lost meanwhile; a failure only while the claim holds.
// REQUIRES: inside Database::Write.
void RecordOutcome(db::Conn& c, const ClaimedDelivery& d, const SendOutcome& out,
                   const DeliveryOptions& o, int64_t now);

using SendFn = std::function<SendOutcome(const ClaimedDelivery&)>;

// SendToChannel with o.send (the real network).
SendFn NetworkSender(const DeliveryOptions& o);

// One round: fan out, claim, send (all claimed rows at once, each outcome in
// its own Write as soon as it is known). Returns the number of rows tried.
// Thread-safe; logs and swallows failures of single rows.
int RunDeliveryRound(db::Database& db, const DeliveryOptions& o, const SendFn& send);

// The job body: rounds until nothing more is due (bounded in time).
void RunDeliveryWorker(db::Database& db, const DeliveryOptions& o);

// Sends a test message to `channel` now and waits for the answer (bounded by
// o.send). Recorded in the log as a test delivery (never retried). Returns
// {delivery_id, ok, status, response, error, duration_ms}.
boost::json::object SendTestMessage(db::Database& db, const Channel& channel,
                                    const auth::Principal& who, const DeliveryOptions& o);

}  // namespace anxun::alert
