#!/usr/bin/env bash
# Test set-up for the labeling page's browser tests: Debian's `chromium` package, which Playwright drives
# (the Python package `playwright` ships its driver; we never run `playwright install`).
# Installs chromium only when it is missing and we are root with apt-get; otherwise says so and exits 0,
# and the browser tests skip with the reason. Safe to run on every `make test`.
set -euo pipefail
CHROMIUM="${FRAMEWATCH_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup_browser: no Chromium at $CHROMIUM and not root with apt-get: browser tests will be skipped" \
       "(install Debian's chromium package to run them)" >&2
  exit 0
fi
echo "setup_browser: installing Debian's chromium for the browser tests ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
  echo "setup_browser: apt-get could not install chromium: browser tests will be skipped" >&2
fi
exit 0
