#include "auth/qr_svg.h"

#include <fmt/format.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace anxun::auth {
namespace {

constexpr int kQuietZone = 4;

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

std::string QrSvg(std::string_view text) {
  const std::string data(text);
  std::unique_ptr<QRcode, QrFree> qr(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0, QR_ECLEVEL_M));
  if (!qr) throw std::runtime_error("QR code: text cannot be encoded");

  const int width = qr->width;
  const int size = width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      if (qr->data[y * width + x] & 1) {
        path += fmt::format("M{},{}h1v1h-1z", x + kQuietZone, y + kQuietZone);
      }
    }
  }
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\" "
      "shape-rendering=\"crispEdges\"><rect width=\"{0}\" height=\"{0}\" fill=\"#fff\"/>"
      "<path fill=\"#000\" d=\"{1}\"/></svg>",
      size, path);
}

}  // namespace anxun::auth
