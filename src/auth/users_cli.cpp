// The command line's account verbs: look names up, then apply the same
// functions as the API, turning client errors into one readable line.
#include "auth/session.h"
#include "auth/users.h"
#include "common/error.h"
#include "common/json.h"

#include <fmt/format.h>

#include <stdexcept>

namespace anxun::auth {
namespace {

int64_t IdByCode(db::Database& db, const char* sql, const std::string& code, const char* what) {
  const auto id = db.Read([&](db::Conn& c) { return c.QueryInt(sql, {code}); });
  if (!id) throw std::runtime_error(fmt::format("no {} '{}'", what, code));
  return *id;
}

int64_t UserId(db::Database& db, const std::string& username) {
  return IdByCode(db, "SELECT id FROM users WHERE username = ?", username, "user");
}

// Runs `fn`, rethrowing an ApiError as "message: field: reason; ...".
template <class F>
auto Plainly(F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const ApiError& e) {
    std::string line = e.what();
    if (const auto* fields = e.details().if_contains("fields"); fields && fields->is_object()) {
      for (const auto& kv : fields->as_object()) {
        const auto& v = kv.value();
        line += fmt::format("; {}: {}", std::string_view(kv.key()),
                            v.is_string() ? std::string(v.as_string()) : JsonString(v));
      }
    } else if (!e.details().empty()) {
      line += " " + JsonString(e.details());
    }
    throw std::runtime_error(line);
  }
}

}  // namespace

int64_t CliCreateUser(db::Database& db, const Config& cfg, const audit::Actor& actor,
                      const std::string& username, const std::string& display_name,
                      const std::string& org_code, const std::vector<std::string>& role_codes,
                      const std::string& password) {
  NewUser u;
  u.username = username;
  u.display_name = display_name;
  u.org_unit_id = IdByCode(db, "SELECT id FROM org_units WHERE code = ?", org_code, "org unit");
  for (const auto& code : role_codes) {
    u.role_ids.push_back(IdByCode(db, "SELECT id FROM roles WHERE code = ?", code, "role"));
  }
  u.password = password;
  return Plainly([&] { return CreateUser(db, cfg, actor, u); });
}

void CliSetPassword(db::Database& db, const Config& cfg, const audit::Actor& actor,
                    const std::string& username, const std::string& password) {
  const int64_t id = UserId(db, username);
  Plainly([&] { SetPassword(db, cfg, actor, id, password, true); });
}

void CliSetLocked(db::Database& db, const audit::Actor& actor, const std::string& username,
                  bool locked) {
  const int64_t id = UserId(db, username);
  Plainly([&] {
    if (locked) {
      LockUser(db, actor, id);
    } else {
      UnlockUser(db, actor, id);
    }
  });
}

void CliResetTotp(db::Database& db, const audit::Actor& actor, const std::string& username) {
  const int64_t id = UserId(db, username);
  Plainly([&] { db.Write([&](db::Conn& c) { ResetTotp(c, actor, id); }); });
  InvalidateSessionCache();
}

}  // namespace anxun::auth
