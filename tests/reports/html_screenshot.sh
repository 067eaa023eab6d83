#!/bin/sh
# Renders an HTML report to PNG with headless Chromium, to look at it as a
# reader would (not part of `make check`: it needs a browser).
#
# Usage: sh tests/reports/html_screenshot.sh [HTML [PNG]]
#   HTML  the page (default: tests/reports/golden/budget.html, the Month 11
#         budget-monitoring sample with its chart)
#   PNG   where to write the picture (default: build/screenshots/NAME.png)
# Environment: CHROMIUM (default: chromium, else chromium-browser),
#              WINDOW (default: 1200,900).
# Debian: apt-get install chromium.  The page is self-contained, so the
# browser runs with networking features off and a throw-away profile.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
html=${1:-$top/tests/reports/golden/budget.html}
[ -f "$html" ] || { echo "html_screenshot: no such file: $html" >&2; exit 2; }
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
name=$(basename "$html" .html)
png=${2:-$top/build/screenshots/$name.png}
mkdir -p "$(dirname "$png")"
case $png in /*) ;; *) png=$(pwd)/$png ;; esac

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for b in chromium chromium-browser; do
        if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
    done
fi
[ -n "$browser" ] || {
    echo "html_screenshot: no chromium (apt-get install chromium)" >&2
    exit 2
}

profile=$(mktemp -d "${TMPDIR:-/tmp}/pb-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT INT TERM
rm -f "$png"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${WINDOW:-1200,900}" --screenshot="$png" \
    "file://$html" >"$profile/log" 2>&1 || true
if [ ! -s "$png" ]; then
    echo "html_screenshot: chromium wrote no picture; its log:" >&2
    cat "$profile/log" >&2
    exit 1
fi
echo "$png"
