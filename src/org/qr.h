// Signed QR payloads for inspection points, and QR rendering.
//
// A label's payload is "AX1:<point code>:<mac>" where mac is the first 16
// bytes of HMAC-SHA256(key, "AX1:<code>") in unpadded base64url (22 chars):
// a label cannot be made up without the server's key, yet the phone needs no
// network to read the code. The key is per installation, in the data folder:
// servers that share one database must share this file too, or a label
// printed through one will not verify on another.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::org {

constexpr std::string_view kQrPayloadPrefix = "AX1:";

// The installation's QR signing key: <data_dir>/qr-signing.key, 32 random
// bytes, created with mode 0600 on first use (atomically, so two processes
// starting together agree). Cached per path; thread-safe. Throws
// std::runtime_error when the file cannot be created or read, or is not 32 bytes.
std::string LoadQrKey(const std::filesystem::path& data_dir);

// "AX1:<code>:<mac>". REQUIRES: `code` is a valid record code (org/fields.h).
std::string SignPointCode(std::string_view key, std::string_view code);

// The point code when `payload` carries a valid signature under `key`;
// nullopt for anything else (wrong prefix, bad code, tampered or foreign mac).
std::optional<std::string> VerifyPointPayload(std::string_view key, std::string_view payload);

// A QR symbol: `size` × `size` modules, row-major, true = dark.
struct QrMatrix {
  int size = 0;
  std::vector<bool> dark;

  bool At(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

constexpr int kQrQuietZone = 4;

// Encodes `text` in byte mode with error correction level M. Throws
// std::runtime_error when the text does not fit in a QR symbol.
QrMatrix EncodeQr(std::string_view text);

// A standalone SVG of `m` with a 4-module quiet zone: one path of dark runs
// over a white square, crisp edges. `css_size` ("35mm") sets width and height
// when not empty; otherwise the image scales to its container.
std::string QrSvg(const QrMatrix& m, std::string_view css_size = {});

}  // namespace anxun::org
