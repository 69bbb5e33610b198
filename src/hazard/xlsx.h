// A minimal XLSX writer: one worksheet of text cells (inline strings), in an
// uncompressed ZIP. Enough for exports that open in Excel, WPS and
// LibreOffice; no styles, formulas or number formats (text is never a
// formula, so exported cells cannot inject one). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::hazard {

// The bytes of an .xlsx file whose one sheet, named `sheet_name`, holds
// `rows` (the first row is usually the header). Characters not allowed in
// XML are dropped.
std::string XlsxWorkbook(const std::vector<std::vector<std::string>>& rows,
                         std::string_view sheet_name);

// CRC-32 (IEEE) as ZIP uses it.
uint32_t Crc32(std::string_view data);

}  // namespace anxun::hazard
