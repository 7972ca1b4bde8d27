#!/usr/bin/env python3
"""Module-style JavaScript under Valor (GraalJS) and under Node 20 (bench/node/module-host.mjs),
unpinned, as users run servers: handler.mjs and a streamed answer (bench/streaming/stream.mjs)
by wrk, interleaved rounds; then one client reading streamed answers one after another, for the
time to the first byte and to the last.

Usage: bench/streaming.py [--rounds 5] [--seconds 5] [--connections 32] [--streams 300]
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, time, urllib.request
from benchlib import DIST, HERE, ensure_wrk, free_port, private_dist, wrk, stop

def await_ok(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"{url} did not answer")

def timed_stream(port, path):
    """(first byte, last byte) in ms of one GET on a fresh connection, read to its last chunk."""
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t0 = time.perf_counter()
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    first, seen = None, b""
    while not seen.endswith(b"\r\n0\r\n\r\n"):
        b = s.recv(65536)
        if not b:
            break
        if first is None:
            first = time.perf_counter()
        seen += b[-8:] if len(b) >= 8 else b
        seen = seen[-8:]
    last = time.perf_counter()
    s.close()
    return (first - t0) * 1000, (last - t0) * 1000

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--streams", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--dist", default=DIST)
    a = ap.parse_args()
    ensure_wrk()
    work, dist = private_dist(a.dist, access_log=False)
    deploy = os.path.join(work, "deploy")
    os.makedirs(deploy)
    shutil.copy(os.path.join(dist, "plugins", "handler.mjs"), os.path.join(deploy, "handler.mjs"))
    shutil.copy(os.path.join(HERE, "streaming", "stream.mjs"), os.path.join(deploy, "stream.mjs"))
    vport, hport, sport = free_port(), free_port(), free_port()
    valor = subprocess.Popen([os.path.join(dist, "bin", "valor"), "--deploy", deploy, "--port", str(vport)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host = os.path.join(HERE, "node", "module-host.mjs")
    nodes = [subprocess.Popen(["node", host, os.path.join(deploy, f), str(p), f.split(".")[0]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for f, p in (("handler.mjs", hport), ("stream.mjs", sport))]
    stream_q = "stream?n=10&size=64"
    long_q = "stream?n=100&size=1024"
    sides = {"valor handler.mjs": f"http://127.0.0.1:{vport}/handler/a",
             "node 20 handler.mjs": f"http://127.0.0.1:{hport}/a",
             "valor stream 10x64 B": f"http://127.0.0.1:{vport}/stream/{stream_q}",
             "node 20 stream 10x64 B": f"http://127.0.0.1:{sport}/{stream_q}"}
    try:
        for url in sides.values():
            await_ok(url)
        for name, url in sides.items():
            wrk(url, a.warmup if "valor" in name else 5, a.connections, pinned=False)
        results = {k: [] for k in sides}
        for _ in range(a.rounds):
            for name, url in sides.items():
                results[name].append(wrk(url, a.seconds, a.connections, pinned=False))
        print(f"unpinned, wrk -t1 -c{a.connections}, {a.warmup} s warm-up, {a.rounds} interleaved rounds of {a.seconds} s")
        for name in sides:
            r = [x[0] for x in results[name]]
            print(f"{name:24} median {statistics.median(r):8.0f} req/s  (min {min(r):.0f}, max {max(r):.0f})  "
                  f"p99 {statistics.median(x[1] for x in results[name]):6.2f} ms  non-2xx {sum(x[2] for x in results[name])}")
        m = {k: statistics.median(x[0] for x in v) for k, v in results.items()}
        print(f"handler.mjs valor/node {m['valor handler.mjs'] / m['node 20 handler.mjs']:.2f}x; "
              f"stream valor/node {m['valor stream 10x64 B'] / m['node 20 stream 10x64 B']:.2f}x")
        for name, port, path in (("valor", vport, f"/stream/{long_q}"), ("node 20", sport, f"/{long_q}")):
            for _ in range(50):
                timed_stream(port, path)
            t = [timed_stream(port, path) for _ in range(a.streams)]
            firsts, lasts = sorted(x[0] for x in t), sorted(x[1] for x in t)
            print(f"{name:8} stream of 100 x 1 KiB, one at a time ({a.streams}): first byte p50 {firsts[len(t) // 2]:.2f} ms "
                  f"p99 {firsts[int(len(t) * 0.99)]:.2f} ms; last byte p50 {lasts[len(t) // 2]:.2f} ms p99 {lasts[int(len(t) * 0.99)]:.2f} ms")
    finally:
        stop([valor] + nodes, work)

if __name__ == "__main__":
    main()
