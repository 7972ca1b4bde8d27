#!/usr/bin/env python3
"""What metrics cost a request: the same hellos with bin/valor --metrics and without, side by side.

Starts two copies of the built distribution with examples/plugins.json, one with --metrics, both
unpinned (every side free on both cores, wrk included: the regime users run), then loads one at
a time in interleaved rounds (off, on, off, on, ...), so the machine's noise hits both alike. The
idle server waits meanwhile. Prints the medians and the ratio on/off per scenario.

Usage: bench/metrics.py [--rounds 5] [--seconds 5] [--warmup 20] [--connections 32]
"""
import argparse, os, statistics, subprocess
from benchlib import ensure_wrk, free_port, private_dist, stop, wait_for_line, wrk

SCENARIOS = [("java hello", "/hello"), ("wasm hello (C)", "/hello_wasm")]

def start(metrics):
    work, dist = private_dist(access_log=False)
    port = free_port()
    args = [os.path.join(dist, "bin", "valor"), "-p", os.path.join(dist, "examples", "plugins.json"),
            "--port", str(port)] + (["--metrics"] if metrics else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, text=True)
    wait_for_line(proc, "serving")
    return proc, work, f"http://127.0.0.1:{port}"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--connections", type=int, default=32)
    a = ap.parse_args()
    ensure_wrk()
    servers = {"off": start(False), "on": start(True)}
    try:
        for _, _, base in servers.values():
            for _, path in SCENARIOS:
                wrk(base + path, a.warmup, a.connections, pinned=False)
        results = {(s, m): [] for s, _ in SCENARIOS for m in servers}
        for _ in range(a.rounds):
            for name, path in SCENARIOS:
                for mode, (_, _, base) in servers.items():
                    results[(name, mode)].append(wrk(base + path, a.seconds, a.connections, pinned=False)[0])
        print(f"{'scenario':18} {'off req/s':>10} {'on req/s':>10} {'on/off':>7}   rounds (off | on)")
        for name, _ in SCENARIOS:
            off = statistics.median(results[(name, "off")])
            on = statistics.median(results[(name, "on")])
            rounds = " ".join(f"{r / 1000:.1f}k" for r in results[(name, "off")]) + " | " + \
                     " ".join(f"{r / 1000:.1f}k" for r in results[(name, "on")])
            print(f"{name:18} {off:10.0f} {on:10.0f} {on / off:7.3f}   {rounds}")
        print(f"(unpinned, {a.rounds} interleaved rounds of {a.seconds} s after {a.warmup} s warm-up each,"
              f" wrk -t1 -c{a.connections}, medians)")
    finally:
        for proc, work, _ in servers.values():
            stop((proc,), work)

if __name__ == "__main__":
    main()
