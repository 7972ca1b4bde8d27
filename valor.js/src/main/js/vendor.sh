#!/bin/sh
# Puts the npm packages the plugins' web platform is built on (pinned by package-lock.json) where
# the bootstrap reads them: $1 is the bundle's folder of bootstrap parts. Run by Maven; needs npm.
set -eu
out="$1"
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
    echo "valor.js: npm is needed to build the JavaScript platform (Node.js 20 and npm)" >&2
    exit 1
fi
npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p "$out"
# WHATWG Streams: the reference implementation's algorithms, tested against the platform tests.
cp node_modules/web-streams-polyfill/dist/ponyfill.js "$out/web-streams.js"
