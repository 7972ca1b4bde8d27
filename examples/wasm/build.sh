#!/bin/sh
# Compiles the WebAssembly examples from source into OUT (default target/wasm).
# Needs clang, lld and wasi-libc, Debian's rustc, cargo and libstd-rust-dev-wasm32 (scripts/setup.sh
# installs them from Debian's packages) and, for AssemblyScript, Node and npm.
set -eu
cd "$(dirname "$0")"
OUT=${1:-target/wasm}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if ! command -v clang >/dev/null 2>&1 || [ ! -d /usr/lib/wasm32-wasi ]; then
    echo "examples/wasm: clang with wasi-libc is missing; run scripts/setup.sh" >&2
    exit 1
fi
CFLAGS="-O2 -Wl,--strip-all"
# Reactor ABI plugins: wasi-libc's reactor model (exports _initialize, no main).
clang --target=wasm32-wasi -mexec-model=reactor $CFLAGS -I include -o "$OUT/hello.wasm" c/hello.c
clang --target=wasm32-wasi -mexec-model=reactor $CFLAGS -I include -o "$OUT/with_state.wasm" c/with_state.c
clang --target=wasm32-wasi -mexec-model=reactor $CFLAGS -I include -o "$OUT/sha256.wasm" c/sha256.c
clang --target=wasm32-wasi -mexec-model=reactor $CFLAGS -I include -o "$OUT/notes.wasm" c/notes.c
# Composition (examples/composition): a markdown@1 provider and an audit@1 provider.
clang --target=wasm32-wasi -mexec-model=reactor $CFLAGS -I include -o "$OUT/markdown.wasm" ../composition/markdown.c
clang --target=wasm32-wasi -mexec-model=reactor $CFLAGS -I include -o "$OUT/audit.wasm" ../composition/audit.c
# WAGI: a plain WASI command.
clang --target=wasm32-wasi $CFLAGS -o "$OUT/wagi_hello.wasm" c/wagi_hello.c
clang --target=wasm32-wasi $CFLAGS -o "$OUT/wagi_files.wasm" c/wagi_files.c
# Rust: the kit (rust/valor) and its examples, with Debian's toolchain by full path: a rustup Rust
# earlier on the PATH has no wasm targets. Offline: the crates depend on nothing but each other.
if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/wasm32-wasi ]; then
    echo "examples/wasm: Debian's rustc, cargo and libstd-rust-dev-wasm32 are missing; run scripts/setup.sh" >&2
    exit 1
fi
RUST_TARGET="$(pwd)/target/rust"
(cd rust && RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$RUST_TARGET" /usr/bin/cargo build --offline --release --quiet --target wasm32-wasi)
for m in hello with_state wagi shout shouter; do
    cp "$RUST_TARGET/wasm32-wasi/release/${m}_rust.wasm" "$OUT/${m}_rust.wasm"
done
# AssemblyScript: the same hello, with the small helper module valor.ts.
if command -v npm >/dev/null 2>&1; then
    (cd assemblyscript && npm ci --no-audit --no-fund --silent && npx asc hello.ts -O3 --runtime stub --noAssert --use abort= -o "$OUT/hello_as.wasm" \
        && npx asc with_state.ts -O3 --runtime stub --noAssert --use abort= -o "$OUT/with_state_as.wasm")
else
    echo "examples/wasm: npm not found, skipping the AssemblyScript example" >&2
fi
echo "examples/wasm: built $(ls "$OUT" | tr '\n' ' ')"
