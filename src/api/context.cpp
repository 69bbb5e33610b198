#include "api/context.h"

#include "common/error.h"

namespace anxun::api {

const auth::Principal& Context::user() const {
  if (!principal) throw Unauthenticated();
  return *principal;
}

audit::Actor Context::actor() const {
  audit::Actor a;
  if (principal) {
    a.user_id = principal->user_id;
    a.name = principal->username;
  }
  a.ip = req.remote_ip;
  a.request_id = req.request_id;
  return a;
}

}  // namespace anxun::api
