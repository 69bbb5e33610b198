// The audit trail as a CSV file that Excel opens correctly.
#pragma once

#include "audit/search.h"
#include "db/db.h"

#include <cstdint>
#include <string>

namespace anxun::audit {

// Every entry matching `f`, in seq order, as CSV: a UTF-8 byte-order mark (so
// that Excel reads the Chinese as UTF-8), a header row in Chinese and English,
// then one row per entry with the columns seq, at (RFC 3339, UTC), actor id,
// actor, IP, action, object type, object id, before and after (the stored
// JSON text), request id, prev_hash and hash; CRLF line ends and RFC 4180
// quoting. A text cell that a spreadsheet would read as a formula (starting
// with = + - @ tab or CR) gets a leading apostrophe. Sets `rows` to the
// number of entries written. Throws db::DbError when the database fails.
std::string ExportCsv(db::Conn& c, const Filter& f, int64_t& rows);

}  // namespace anxun::audit
