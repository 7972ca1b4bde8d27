#!/usr/bin/env python3
"""A CPU-bound wasm handler (SHA-256 of a 1 MiB body, examples/wasm/c/sha256.c) under Valor
(Chicory, compiled to JVM bytecode) and under Node 20 (V8) with the minimal reactor host in
bench/node/reactor-host.mjs: same module, same machine, same load tool (wrk), interleaved rounds.

Usage: bench/cpu.py [--rounds 3] [--seconds 10] [--connections 4] [--body-kib 1024] [--regime unpinned|pinned]
(unpinned, the default: both servers and wrk free on both cores, as bench/run.sh's targets; pinned: the servers
on core 0, wrk on core 1)
"""
import argparse, os, shutil, signal, statistics, subprocess, sys
from benchlib import DIST, HERE, ensure_wrk, free_port, pin, post_script, private_dist, wait_for_line, wrk, stop

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--body-kib", type=int, default=1024)
    ap.add_argument("--dist", default=DIST)
    ap.add_argument("--regime", choices=("unpinned", "pinned"), default="unpinned")
    a = ap.parse_args()
    ensure_wrk()
    work, dist = private_dist(a.dist, access_log=False)
    wasm = os.path.join(dist, "plugins", "sha256.wasm")
    with open(os.path.join(work, "plugins.json"), "w") as f:
        f.write('{"plugins": [{"name": "sha256", "path": "%s"}]}' % wasm)
    script = post_script(work, a.body_kib)
    vport, nport = free_port(), free_port()
    pinned = a.regime == "pinned"
    server = pin(0) if pinned else []
    valor = subprocess.Popen(server + [os.path.join(dist, "bin", "valor"), "-p", os.path.join(work, "plugins.json"),
                                       "--port", str(vport)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    node = subprocess.Popen(server + ["node", os.path.join(HERE, "node", "reactor-host.mjs"), wasm, str(nport)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_for_line(valor, "serving")
        wait_for_line(node, "serving")
        sides = {"valor (Chicory)": f"http://127.0.0.1:{vport}/sha256", "node 20 (V8)": f"http://127.0.0.1:{nport}/"}
        for url in sides.values():
            wrk(url, 5, a.connections, script=script, pinned=pinned)  # warm-up
        results = {k: [] for k in sides}
        for _ in range(a.rounds):
            for name, url in sides.items():
                results[name].append(wrk(url, a.seconds, a.connections, script=script, pinned=pinned))
        v = statistics.median(r[0] for r in results["valor (Chicory)"])
        print(f"SHA-256 of a {a.body_kib} KiB body, {a.regime}, wrk -t1 -c{a.connections}, {a.rounds} x {a.seconds} s, medians")
        for name in sides:
            rps = statistics.median(r[0] for r in results[name])
            p99 = statistics.median(r[1] for r in results[name])
            print(f"{name:18} {rps:9.1f} req/s  p99 {p99:8.2f} ms  non-2xx {sum(r[2] for r in results[name])}")
        n = statistics.median(r[0] for r in results["node 20 (V8)"])
        print(f"valor / node: {v / n:.2f}x")
    finally:
        stop((valor, node), work)

if __name__ == "__main__":
    main()
