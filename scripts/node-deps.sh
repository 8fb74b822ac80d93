#!/bin/sh
# The black-box tests run on Node.js; the browser tests drive Debian's
# chromium through playwright-core (never a downloaded browser), installed
# once into node_modules from package.json.
cd "$(dirname "$0")/.." || exit 1
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	sh scripts/deps.sh nodejs npm || exit 1
fi
[ -d node_modules/playwright-core ] && [ -d node_modules/postcodesio-client ] && [ -d node_modules/ical.js ] && [ -d node_modules/axe-core ] && exit 0
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent
