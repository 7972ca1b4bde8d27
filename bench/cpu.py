#!/usr/bin/env python3
"""A CPU-bound wasm handler (SHA-256 of a 1 MiB body, examples/wasm/c/sha256.c) under Valor
(Chicory, compiled to JVM bytecode) and under Node 20 (V8) with the minimal reactor host in
bench/node/reactor-host.mjs: same module, same machine, same load tool (wrk), interleaved rounds.

Usage: bench/cpu.py [--rounds 3] [--seconds 10] [--connections 4] [--body-kib 1024]
"""
import argparse, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def pin(cpu):
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() > 1 else []

def wrk(url, seconds, connections, script):
    out = subprocess.run(pin(1) + ["wrk", "-t1", "-c", str(connections), "-d", f"{seconds}s", "--latency",
                                   "-s", script, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)], int(bad.group(1)) if bad else 0

def wait_for(proc, text):
    while text not in proc.stdout.readline():
        if proc.poll() is not None:
            sys.exit(f"{proc.args} did not start")

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--body-kib", type=int, default=1024)
    ap.add_argument("--dist", default=os.path.join(here, "..", "valor.distribution", "target", "valor"))
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = tempfile.mkdtemp(prefix="valor-cpu-")
    dist = os.path.join(work, "valor")
    shutil.copytree(os.path.abspath(a.dist), dist, ignore=shutil.ignore_patterns("var"))
    with open(os.path.join(dist, "conf", "logging.properties"), "a") as f:
        f.write("\norg.slf4j.simpleLogger.log.valor.access=warn\n")
    wasm = os.path.join(dist, "plugins", "sha256.wasm")
    with open(os.path.join(work, "plugins.json"), "w") as f:
        f.write('{"plugins": [{"name": "sha256", "path": "%s"}]}' % wasm)
    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = string.rep("a", %d)\n' % (a.body_kib * 1024))
    vport, nport = free_port(), free_port()
    valor = subprocess.Popen(pin(0) + [os.path.join(dist, "bin", "valor"), "-p", os.path.join(work, "plugins.json"),
                                       "--port", str(vport)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    node = subprocess.Popen(pin(0) + ["node", os.path.join(here, "node", "reactor-host.mjs"), wasm, str(nport)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_for(valor, "serving")
        wait_for(node, "serving")
        sides = {"valor (Chicory)": f"http://127.0.0.1:{vport}/sha256", "node 20 (V8)": f"http://127.0.0.1:{nport}/"}
        for url in sides.values():
            wrk(url, 5, a.connections, script)  # warm-up
        results = {k: [] for k in sides}
        for _ in range(a.rounds):
            for name, url in sides.items():
                results[name].append(wrk(url, a.seconds, a.connections, script))
        v = statistics.median(r[0] for r in results["valor (Chicory)"])
        print(f"SHA-256 of a {a.body_kib} KiB body, wrk -t1 -c{a.connections}, {a.rounds} x {a.seconds} s, medians")
        for name in sides:
            rps = statistics.median(r[0] for r in results[name])
            p99 = statistics.median(r[1] for r in results[name])
            print(f"{name:18} {rps:9.1f} req/s  p99 {p99:8.2f} ms  non-2xx {sum(r[2] for r in results[name])}")
        n = statistics.median(r[0] for r in results["node 20 (V8)"])
        print(f"valor / node: {v / n:.2f}x")
    finally:
        for p in (valor, node):
            p.send_signal(signal.SIGTERM)
            p.wait(10)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
