#!/bin/sh
# Bundles each framework app into one ES module in $1, with esbuild from npm (package-lock.json
# pins it and the frameworks): what a user deploys. Run by Maven; needs Node.js 20 and npm.
set -eu
out="$1"
cd "$(dirname "$0")"
npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p "$out"
for app in hono-app itty-app; do
    node_modules/.bin/esbuild "$app.mjs" --bundle --format=esm --platform=neutral --main-fields=module,main \
        --log-level=warning --outfile="$out/$app.mjs"
done
