#!/usr/bin/env bash
# Lighthouse performance of the demo's product, category and account pages, each with and without
# the widget: median of RUNS runs (default 3) per page of the score, total blocking time and CLS,
# and the widget's gzipped chunk sizes. Runs the demo on a free loopback port with its own
# throwaway instance folder, Lighthouse 12.2.3 (pinned; fetched by `npm exec`, not part of
# `npm ci`) and Debian's Chromium, in Lighthouse's default mobile emulation with simulated
# throttling. Usage: bench/lighthouse.sh   (RUNS=5 bench/lighthouse.sh for more runs)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROME_PATH
[ -x "$CHROME_PATH" ] || { echo "No Chromium at $CHROME_PATH (set CHROME_PATH)." >&2; exit 1; }
[ -f api/static/widget.js ] || npm run build >/dev/null

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

# A guest's order link, signed like the ones in emails (the demo's secret is in its instance folder).
GUEST="$(INSTANCE_PATH="$WORK/instance" .venv/bin/python -c '
from api import create_app
from api.tokens import order_link_token
app = create_app()
print(order_link_token(app.config["SECRET_KEYS"], "demo-store", 1003, "grace@example.com"))')"

run() {  # run URL FILE -> one Lighthouse report in FILE
  npm exec --yes --package lighthouse@12.2.3 -- lighthouse "$1" \
    --only-categories=performance --output=json --output-path="$2" --quiet \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" >/dev/null
}

PAGES=(
  "product|/demo/products/113?"
  "category|/demo/?"
  "orders list|/demo/account.php?action=order_status&"
  "order page|/demo/account.php?action=view_order&order_id=1005&"
  "guest order link|/demo/?bd_order=$GUEST&"
)
for entry in "${PAGES[@]}"; do
  name="${entry%%|*}"; path="${entry#*|}"
  for i in $(seq 1 "$RUNS"); do
    run "$APP${path}nowidget=1" "$WORK/${name// /_}-without-$i.json"
    run "$APP${path%[?&]}" "$WORK/${name// /_}-with-$i.json"
  done
done

echo "Lighthouse 12.2.3 performance, median of $RUNS runs (mobile emulation, simulated throttling, Debian Chromium $("$CHROME_PATH" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)):"
node - "$WORK" "$RUNS" "${PAGES[@]}" <<'JS'
const [work, runs, ...pages] = process.argv.slice(2);
const fs = require('fs');
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const measure = (name, kind) => {
  const reports = [...Array(Number(runs)).keys()].map((i) => JSON.parse(fs.readFileSync(`${work}/${name.replace(/ /g, '_')}-${kind}-${i + 1}.json`)));
  return {
    score: median(reports.map((r) => Math.round(r.categories.performance.score * 100))),
    tbt: median(reports.map((r) => Math.round(r.audits['total-blocking-time'].numericValue))),
    cls: median(reports.map((r) => r.audits['cumulative-layout-shift'].numericValue)),
  };
};
console.log('| page | score without | score with | lost | TBT without | TBT with | TBT added | CLS with |');
console.log('|---|---|---|---|---|---|---|---|');
for (const entry of pages) {
  const name = entry.split('|')[0];
  const a = measure(name, 'without'), b = measure(name, 'with');
  console.log(`| ${name} | ${a.score} | ${b.score} | ${a.score - b.score} | ${a.tbt} ms | ${b.tbt} ms | ${b.tbt - a.tbt} ms | ${b.cls.toFixed(3)} |`);
}
JS
echo
echo "Widget, gzipped (a product or category page downloads widget.js and one strings chunk; account pages add one account chunk):"
for file in api/static/widget.js api/static/widget/*.js; do
  node -e "const b = require('fs').readFileSync('$file'); console.log('  ${file#api/static/}: ' + b.length + ' bytes, ' + require('zlib').gzipSync(b, { level: 9 }).length + ' bytes gzipped')"
done
