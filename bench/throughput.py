#!/usr/bin/env python3
"""Requests/s and p99 of the example plugins through the full stack, measured with wrk.

Starts the built distribution with examples/plugins.json on a loopback port, then runs wrk
against each scenario in turn, for several interleaved rounds (so the machine's noise hits every
scenario alike), and prints the medians and each scenario's ratio to the Java hello.
Server and load generator are pinned to different cores when taskset is there.

Usage: bench/throughput.py [--rounds 3] [--seconds 5] [--connections 16] [--threads 1]
Needs wrk (apt-get install wrk; this script installs it when run as root).
"""
import argparse, os, shutil, signal, statistics, subprocess, sys
from benchlib import DIST, ensure_wrk, free_port, pin, private_dist, wait_for_line, wrk, stop

SCENARIOS = [
    ("java hello", "/hello"),
    ("wasm reactor hello (C)", "/hello_wasm"),
    ("wasm reactor with_state (C)", "/alice_wasm?who=Bob"),
    ("wasm WAGI hello (C)", "/wagi"),
    ("js worker hello", "/hello_js"),
    ("js worker with_state", "/alice_js?who=Bob"),
    ("js module handler", "/handler_js/x"),
]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dist", default=DIST)
    ap.add_argument("--only", help="comma-separated scenario names to run (default: all)")
    a = ap.parse_args()
    scenarios = [s for s in SCENARIOS if not a.only or s[0] in a.only.split(",")]
    ensure_wrk()
    work, dist = private_dist(a.dist, access_log=False)
    port = free_port()
    proc = subprocess.Popen(pin(0) + [os.path.join(dist, "bin", "valor"), "-p",
                                      os.path.join(dist, "examples", "plugins.json"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
    try:
        wait_for_line(proc, "serving")
        base = f"http://127.0.0.1:{port}"
        for _, path in scenarios:  # warm-up: JIT, pools
            wrk(base + path, 3, a.connections, a.threads)
        results = {name: [] for name, _ in scenarios}
        for _ in range(a.rounds):
            for name, path in scenarios:
                results[name].append(wrk(base + path, a.seconds, a.connections, a.threads))
        java = statistics.median(r[0] for r in results["java hello"])
        print(f"{'scenario':32} {'req/s':>9} {'p99 ms':>8} {'vs java':>8} {'non-2xx':>8}")
        for name, _ in scenarios:
            rps = statistics.median(r[0] for r in results[name])
            p99 = statistics.median(r[1] for r in results[name])
            bad = sum(r[2] for r in results[name])
            print(f"{name:32} {rps:9.0f} {p99:8.2f} {rps / java:7.2f}x {bad:8d}")
        print(f"({a.rounds} rounds of {a.seconds} s, wrk -t{a.threads} -c{a.connections}, medians)")
    finally:
        stop((proc,), work)

if __name__ == "__main__":
    main()
