#!/bin/sh
# Installs what the build needs beyond JDK 17 and Maven: the C-to-WebAssembly toolchain
# (clang, lld, wasi-libc and its compiler runtime), Rust's (Debian's rustc and cargo 1.63 with the
# wasm32-wasi standard library), Chromium for the browser tests, the Prometheus server the
# metrics test scrapes with, the Redis server the key-value and fleet tests start and the HAProxy
# the fleet test puts in front of its nodes, from Debian's packages, and playwright-core from npm.
# Does nothing when they are there already; needs root (or sudo) for the packages when they are not.
set -eu
need=""
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v wasm-ld >/dev/null 2>&1 || command -v wasm-ld-14 >/dev/null 2>&1 || need="$need lld"
[ -d /usr/lib/wasm32-wasi ] || need="$need wasi-libc"
[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a 2>/dev/null)" ] || need="$need libclang-rt-14-dev-wasm32"
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -x /usr/bin/prometheus ] || need="$need prometheus"
[ -x /usr/bin/redis-server ] || need="$need redis-server"
[ -x /usr/sbin/haproxy ] || need="$need haproxy"
# Debian's Rust by full path: a rustup one earlier on the PATH has no wasm targets.
[ -x /usr/bin/rustc ] || need="$need rustc"
[ -x /usr/bin/cargo ] || need="$need cargo"
[ -d /usr/lib/rustlib/wasm32-wasi ] || need="$need libstd-rust-dev-wasm32"
browser_tests="$(dirname "$0")/../valor.distribution/src/test/browser"
if [ ! -d "$browser_tests/node_modules/playwright-core" ]; then
    (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -z "$need" ]; then
    exit 0
fi
echo "scripts/setup.sh: installing$need" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "scripts/setup.sh: run as root, or install:$need" >&2
    exit 1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # a list of package names
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
