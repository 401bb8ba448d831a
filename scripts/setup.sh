#!/usr/bin/env bash
# Installs what LMArena Bridge needs on a fresh Debian/Ubuntu machine: the Python
# packages, and a Chromium when neither Playwright's own build nor a system one exists.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
PIP_ROOT_USER_ACTION=ignore "$PY" -m pip install --quiet --disable-pip-version-check -e ".[test]"

have_browser() {
  for p in /usr/lib/chromium/chromium-headless-shell /usr/lib/chromium/chromium \
           /opt/google/chrome/chrome /usr/bin/google-chrome /usr/bin/chromium-browser; do
    [ -x "$p" ] && return 0
  done
  ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux*/chrome \
     >/dev/null 2>&1 && return 0
  return 1
}

if ! have_browser && command -v apt-get >/dev/null; then
  echo "installing Chromium from the distribution's packages..." >&2
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-headless-shell >/dev/null \
    || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
have_browser || { echo "no Chromium found; see README (Browser)" >&2; exit 1; }
