// The demo enterprise (华东安泰化工集团): an org tree of two parks, a chemical
// plant, a machining plant with three workshops and a logistics warehouse;
// their areas with floor-plan positions, 91 inspection points and an account
// for every role (see demo_data.cpp for the list).
#pragma once

#include "db/db.h"

#include <string>

namespace anxun::demo {

// Loads the demo into a database that has no org units yet, in one
// transaction, and audits it as one `demo.load` entry. Every demo account
// gets `password` (hashed per account, before the transaction) and
// password_exempt = 1: no forced change, no expiry, no TOTP enrolment.
// REQUIRES: migrations applied and the built-in roles seeded
// (auth::SeedBuiltinRoles). Throws std::runtime_error, changing nothing, when
// org units already exist or a built-in role is missing.
void LoadDemo(db::Database& db, const std::string& password);

}  // namespace anxun::demo
