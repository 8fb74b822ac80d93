#!/bin/sh
# The browser tests drive Debian's chromium through playwright-core (never
# a downloaded browser); installed once into node_modules from package.json.
cd "$(dirname "$0")/.." || exit 1
[ -d node_modules/playwright-core ] && exit 0
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent
