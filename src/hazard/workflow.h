// The hazard state machine, as pure functions (no database, no clock).
//
//   reported --verify--> verified --assign--> rectifying --submit--> pending_review
//   pending_review --approve--> closed (or stays, waiting for the second approval)
//   pending_review --return--> rectifying
//   reported | verified --dismiss--> dismissed
//   a minor hazard fixed on the spot is reported straight into pending_review.
// Actions that keep the state: plan (major hazards' governance plan), progress,
// extend_request / extend_approve / extend_refuse, supervise.
//
// Decide() answers, for one caller and one hazard, whether an action is an
// invalid transition (409), forbidden for this caller (403), or allowed and
// what the next state is. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::hazard {

const std::vector<std::string_view>& States();
const std::vector<std::string_view>& Levels();
const std::vector<std::string_view>& Kinds();
const std::vector<std::string_view>& Sources();
const std::vector<std::string_view>& Actions();
bool IsOneOf(const std::vector<std::string_view>& set, std::string_view v);
bool IsOpen(std::string_view state);  // neither closed nor dismissed

// The state `action` leads to from `state` by the table alone (approve: to
// "closed"); nullopt when the table has no such edge.
std::optional<std::string> TableNext(std::string_view state, std::string_view action);

// Levels that need two approvals from two people, one of them superior.
bool NeedsDoubleReview(std::string_view level);

// What Decide needs to know about the hazard.
struct Facts {
  std::string state;
  std::string level;  // "" until set
  int64_t owner_id = 0;
  bool has_plan = false;
  bool extension_pending = false;
  // Approvals in the current review round: reviewer and whether superior.
  std::vector<std::pair<int64_t, bool>> approvals;
};

// What Decide needs to know about the caller (permissions already limited to
// the hazard's org unit by the caller of Decide).
struct Caller {
  int64_t user_id = 0;
  bool can_verify = false;
  bool can_assign = false;
  bool can_rectify = false;
  bool can_review = false;
  bool can_supervise = false;
  // Management role, or an org unit above the hazard's plant.
  bool superior = false;
};

enum class Outcome { kAllowed, kInvalidTransition, kForbidden, kPreconditionFailed };

struct Decision {
  Outcome outcome = Outcome::kInvalidTransition;
  std::string next_state;  // when allowed
  std::string code;        // machine code for refusals (e.g. "reviewer_is_owner")
  std::string message;     // bilingual message for refusals
};

Decision Decide(const Facts& h, const Caller& who, std::string_view action);

// The actions Decide allows for this caller (for the detail page's buttons).
std::vector<std::string> AllowedActions(const Facts& h, const Caller& who);
// The actions the table allows from `state`, whoever asks (the 409 details).
std::vector<std::string> TableActions(std::string_view state);

// Default deadline hours for `level` given rules from the hazard's unit
// upwards: `chain` lists, nearest unit first, the hours each unit sets for the
// level (nullopt = the unit has no rule); `fallback` is the product default.
// The result's nullopt means "set by the governance plan" (major).
struct RuleHit {
  bool present = false;
  std::optional<int64_t> hours;
};
std::optional<int64_t> ResolveDeadlineHours(const std::vector<RuleHit>& chain,
                                            std::optional<int64_t> fallback);

}  // namespace anxun::hazard
