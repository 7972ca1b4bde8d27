#!/usr/bin/env python3
"""Cross-plugin call overhead through sockets: wasm -> wasm and JS -> wasm, a 16-byte payload.

A consumer plugin calls bench@1's echo N times within one request (bench/composition/); the cost
of one call is (time of a request with N calls - time of one with none) / N, medians of several
requests, so HTTP and routing cancel out. Builds the two wasm modules with clang (scripts/setup.sh).

Usage: bench/composition.py [--calls 20000] [--requests 15]
"""
import argparse, http.client, json, os, statistics, subprocess, tempfile, time
from benchlib import DIST, HERE, free_port, pin, private_dist, wait_for_line, stop

SRC = os.path.join(HERE, "composition")
INCLUDE = os.path.join(HERE, "..", "examples", "wasm", "include")

def build(out):
    for name in ("echo", "loop"):
        subprocess.run(["clang", "--target=wasm32-wasi", "-mexec-model=reactor", "-O2", "-Wl,--strip-all",
                        "-I", INCLUDE, "-o", os.path.join(out, name + ".wasm"), os.path.join(SRC, name + ".c")],
                       check=True)

def timed(conn, path):
    start = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        raise SystemExit(f"{path}: {r.status} {body!r}")
    return time.perf_counter() - start

def per_call_us(port, prefix, calls, requests):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(5):  # warm-up: JIT, pools
        timed(conn, f"/{prefix}?n={calls}")
    empty = statistics.median(timed(conn, f"/{prefix}?n=0") for _ in range(requests))
    full = statistics.median(timed(conn, f"/{prefix}?n={calls}") for _ in range(requests))
    return (full - empty) / calls * 1e6, full

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--requests", type=int, default=15)
    ap.add_argument("--dist", default=DIST)
    a = ap.parse_args()
    work, dist = private_dist(a.dist, access_log=False)
    build(work)
    plugins = {"plugins": [
        {"name": "echo", "type": "wasm", "path": os.path.join(work, "echo.wasm"), "plugs": ["bench@1"]},
        {"name": "loop_wasm", "type": "wasm", "path": os.path.join(work, "loop.wasm"),
         "sockets": {"bench@1": "exactly-one"}},
        {"name": "loop_js", "type": "js", "path": os.path.join(SRC, "loop.js"),
         "sockets": {"bench@1": "exactly-one"}, "limits": {"timeout_ms": 60000}}]}
    plugins_file = os.path.join(work, "composition-plugins.json")
    with open(plugins_file, "w") as f:
        json.dump(plugins, f)
    port = free_port()
    valor = subprocess.Popen(pin(0) + [os.path.join(dist, "bin", "valor"), "-p", plugins_file, "--port", str(port)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_for_line(valor, "serving")
        wasm, wasm_total = per_call_us(port, "loop_wasm", a.calls, a.requests)
        js_calls = max(1, a.calls // 10)
        js, js_total = per_call_us(port, "loop_js", js_calls, a.requests)
        print(f"socket call, 16-byte payload, medians of {a.requests} requests")
        print(f"{'caller -> provider':<20} {'calls/request':>14} {'us per call':>12}")
        print(f"{'wasm -> wasm':<20} {a.calls:>14} {wasm:>12.2f}")
        print(f"{'js -> wasm':<20} {js_calls:>14} {js:>12.2f}")
    finally:
        stop([valor], work)

if __name__ == "__main__":
    main()
