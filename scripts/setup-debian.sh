#!/usr/bin/env bash
# Installs everything Kassa needs to build, test and run its demo on Debian 12 (bookworm):
# the compiler and build tools, Qt 6, QtKeychain, OpenSSL, PostgreSQL, the Secret Service,
# Xvfb, Node.js and the npm packages of tests/peers. Run as root (or with sudo). Idempotent:
# when everything is there already it only checks and returns within a few seconds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
    # build
    build-essential cmake ninja-build git pkg-config ca-certificates clang-format
    # Qt 6 and libraries
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6opengl6-dev
    libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 qt6-qpa-plugins
    qtkeychain-qt6-dev libssl-dev libqrencode-dev libgl-dev libzstd-dev
    # services the tests use
    postgresql postgresql-contrib dbus dbus-x11 gnome-keyring libsecret-tools
    # GUI tests and screenshots
    xvfb xauth x11-apps imagemagick
    # curl for scripts
    curl
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

# Node.js: any installed node >= 18 with npm will do (Debian's own is 18); otherwise Debian's.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: Debian packages present"
fi

# npm packages of the outside-reference tests (the official stripe package), from the lockfile.
peers="$here/tests/peers"
if [ -f "$peers/package-lock.json" ]; then
    if [ ! -d "$peers/node_modules/stripe" ] || [ "$peers/package-lock.json" -nt "$peers/node_modules/.package-lock.json" ]; then
        echo "setup: npm ci in tests/peers"
        (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error)
    else
        echo "setup: npm packages present"
    fi
fi
