#!/usr/bin/env bash
# Lighthouse performance score of the demo product page with and without the widget, and the
# widget's gzipped size. Runs the demo on a free loopback port with its own throwaway instance
# folder, Lighthouse 12.2.3 (pinned; fetched by `npm exec`, not part of `npm ci`) and Debian's
# Chromium. Usage: bench/lighthouse.sh [product id, default 113]
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCT="${1:-113}"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROME_PATH
[ -x "$CHROME_PATH" ] || { echo "No Chromium at $CHROME_PATH (set CHROME_PATH)." >&2; exit 1; }
[ -f api/static/widget.js ] || npm run build

WORK="$(mktemp -d)"
if [ -n "${BENCH_APP_URL:-}" ]; then  # an app already running in demo mode
  APP="$BENCH_APP_URL"
  trap 'rm -rf "$WORK"' EXIT
else
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  APP="http://127.0.0.1:$PORT"
  INSTANCE_PATH="$WORK/instance" .venv/bin/backorder-desk demo --port "$PORT" >"$WORK/demo.log" 2>&1 &
  DEMO_PID=$!
  trap 'kill "$DEMO_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 150); do
    curl -fs "$APP/healthz" >/dev/null 2>&1 && break
    kill -0 "$DEMO_PID" 2>/dev/null || { echo "The demo did not start:" >&2; tail -20 "$WORK/demo.log" >&2; exit 1; }
    sleep 0.2
  done
fi

score() {  # score URL NAME -> prints the performance score (0-100)
  npm exec --yes --package lighthouse@12.2.3 -- lighthouse "$1" \
    --only-categories=performance --output=json --output-path="$WORK/$2.json" --quiet \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" >/dev/null
  node -e "const r = require('$WORK/$2.json'); console.log(Math.round(r.categories.performance.score * 100), 'CLS', r.audits['cumulative-layout-shift'].numericValue, 'TBT', Math.round(r.audits['total-blocking-time'].numericValue) + 'ms', 'LCP', Math.round(r.audits['largest-contentful-paint'].numericValue) + 'ms')"
}

URL="$APP/demo/products/$PRODUCT"
echo "Lighthouse 12.2.3 performance, demo product page $PRODUCT (mobile emulation, simulated throttling):"
echo "  without widget: $(score "$URL?nowidget=1" without)"
echo "  with widget:    $(score "$URL" with)"
echo "Widget: $(node -e "const fs = require('fs'), z = require('zlib'); const b = fs.readFileSync('api/static/widget.js'); console.log(b.length + ' bytes, ' + z.gzipSync(b, { level: 9 }).length + ' bytes gzipped')")"
