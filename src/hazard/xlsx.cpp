#include "hazard/xlsx.h"

#include <array>
#include <cstdint>

namespace anxun::hazard {
namespace {

constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr uint16_t kUtf8Names = 0x0800;

void Put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}

void Put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

struct Entry {
  std::string name;
  std::string data;
};

// Stored (method 0) ZIP of `entries`.
std::string Zip(const std::vector<Entry>& entries) {
  std::string out;
  std::string central;
  for (const auto& e : entries) {
    const uint32_t crc = Crc32(e.data);
    const auto offset = static_cast<uint32_t>(out.size());
    const auto size = static_cast<uint32_t>(e.data.size());
    Put32(out, 0x04034b50);
    Put16(out, 20);
    Put16(out, kUtf8Names);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, kDosDate);
    Put32(out, crc);
    Put32(out, size);
    Put32(out, size);
    Put16(out, static_cast<uint16_t>(e.name.size()));
    Put16(out, 0);
    out += e.name;
    out += e.data;

    Put32(central, 0x02014b50);
    Put16(central, 20);
    Put16(central, 20);
    Put16(central, kUtf8Names);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, kDosDate);
    Put32(central, crc);
    Put32(central, size);
    Put32(central, size);
    Put16(central, static_cast<uint16_t>(e.name.size()));
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put32(central, 0);
    Put32(central, offset);
    central += e.name;
  }
  const auto central_offset = static_cast<uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint16_t>(entries.size()));
  Put16(out, static_cast<uint16_t>(entries.size()));
  Put32(out, static_cast<uint32_t>(central.size()));
  Put32(out, central_offset);
  Put16(out, 0);
  return out;
}

// XML text with the five entities escaped and disallowed controls dropped.
void AppendXmlText(std::string& out, std::string_view s) {
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') continue;
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(ch);
    }
  }
}

constexpr const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr const char* kDocRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string Sheet(const std::vector<std::vector<std::string>>& rows) {
  std::string out = kXmlHead;
  out += "<worksheet xmlns=\"";
  out += kMainNs;
  out += "\"><sheetData>";
  for (size_t r = 0; r < rows.size(); ++r) {
    out += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (const auto& cell : rows[r]) {
      out += "<c t=\"inlineStr\"><is><t xml:space=\"preserve\">";
      AppendXmlText(out, cell);
      out += "</t></is></c>";
    }
    out += "</row>";
  }
  out += "</sheetData></worksheet>";
  return out;
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t v = n;
      for (int k = 0; k < 8; ++k)
        v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
      t[n] = v;
    }
    return t;
  }();
  uint32_t v = 0xffffffffu;
  for (char ch : data)
    v = table[(v ^ static_cast<unsigned char>(ch)) & 0xff] ^ (v >> 8);
  return v ^ 0xffffffffu;
}

std::string XlsxWorkbook(const std::vector<std::vector<std::string>>& rows,
                         std::string_view sheet_name) {
  std::string content_types = kXmlHead;
  content_types +=
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
      "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/"
      "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";

  std::string root_rels = kXmlHead;
  root_rels += std::string("<Relationships xmlns=\"") + kRelNs +
               "\"><Relationship Id=\"rId1\" Type=\"" + kDocRel +
               "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

  std::string workbook = kXmlHead;
  workbook += std::string("<workbook xmlns=\"") + kMainNs + "\" xmlns:r=\"" + kDocRel +
              "\"><sheets><sheet name=\"";
  AppendXmlText(workbook, sheet_name);
  workbook += "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

  std::string workbook_rels = kXmlHead;
  workbook_rels += std::string("<Relationships xmlns=\"") + kRelNs +
                   "\"><Relationship Id=\"rId1\" Type=\"" + kDocRel +
                   "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

  return Zip({{"[Content_Types].xml", content_types},
              {"_rels/.rels", root_rels},
              {"xl/workbook.xml", workbook},
              {"xl/_rels/workbook.xml.rels", workbook_rels},
              {"xl/worksheets/sheet1.xml", Sheet(rows)}});
}

}  // namespace anxun::hazard
