#!/usr/bin/env python3
"""The same worker-style hello.js under Valor (GraalJS) and under Node 20 (V8) behind the minimal
host bench/node/worker-host.mjs: same machine, same load tool (wrk), interleaved rounds; the Java
hello through Valor in the same run for the ratio.

Usage: bench/js.py [--rounds 3] [--seconds 5] [--connections 16]
"""
import argparse, os, shutil, signal, statistics, subprocess, sys
from benchlib import DIST, HERE, ensure_wrk, free_port, pin, private_dist, wait_for_line, wrk, stop

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--dist", default=DIST)
    a = ap.parse_args()
    ensure_wrk()
    work, dist = private_dist(a.dist, access_log=False)
    vport, nport = free_port(), free_port()
    valor = subprocess.Popen(pin(0) + [os.path.join(dist, "bin", "valor"), "-p", os.path.join(dist, "examples", "plugins.json"),
                                       "--port", str(vport)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    node = subprocess.Popen(pin(0) + ["node", os.path.join(HERE, "node", "worker-host.mjs"),
                                      os.path.join(dist, "plugins", "hello.js"), str(nport)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_for_line(valor, "serving")
        wait_for_line(node, "serving")
        sides = {"valor java hello": f"http://127.0.0.1:{vport}/hello",
                 "valor hello.js (GraalJS)": f"http://127.0.0.1:{vport}/hello_js",
                 "node 20 hello.js (V8)": f"http://127.0.0.1:{nport}/"}
        for name, url in sides.items():  # warm-up; GraalJS takes longest to settle (JIT, or C2 on its interpreter)
            wrk(url, 20 if "GraalJS" in name else 5, a.connections)
        results = {k: [] for k in sides}
        for _ in range(a.rounds):
            for name, url in sides.items():
                results[name].append(wrk(url, a.seconds, a.connections))
        med = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
        print(f"wrk -t1 -c{a.connections}, {a.rounds} x {a.seconds} s, medians")
        for name in sides:
            p99 = statistics.median(r[1] for r in results[name])
            print(f"{name:28} {med[name]:9.0f} req/s  p99 {p99:7.2f} ms  non-2xx {sum(r[2] for r in results[name])}")
        print(f"hello.js: valor / java hello {med['valor hello.js (GraalJS)'] / med['valor java hello']:.2f}x, "
              f"valor / node {med['valor hello.js (GraalJS)'] / med['node 20 hello.js (V8)']:.2f}x")
    finally:
        stop((valor, node), work)

if __name__ == "__main__":
    main()
