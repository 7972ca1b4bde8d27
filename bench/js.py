#!/usr/bin/env python3
"""The same worker-style hello.js under Valor (GraalJS) and under Node 20 (V8) behind the minimal
host bench/node/worker-host.mjs: same machine, same load tool (wrk), interleaved rounds; the Java
hello through Valor in the same run for the ratio.

Usage: bench/js.py [--rounds 3] [--seconds 5] [--connections 16]
"""
import argparse, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def pin(cpu):
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() > 1 else []

def wrk(url, seconds, connections):
    out = subprocess.run(pin(1) + ["wrk", "-t1", "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
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
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--dist", default=os.path.join(here, "..", "valor.distribution", "target", "valor"))
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = tempfile.mkdtemp(prefix="valor-js-")
    dist = os.path.join(work, "valor")
    shutil.copytree(os.path.abspath(a.dist), dist, ignore=shutil.ignore_patterns("var"))
    with open(os.path.join(dist, "conf", "logging.properties"), "a") as f:
        f.write("\norg.slf4j.simpleLogger.log.valor.access=warn\n")
    vport, nport = free_port(), free_port()
    valor = subprocess.Popen(pin(0) + [os.path.join(dist, "bin", "valor"), "-p", os.path.join(dist, "examples", "plugins.json"),
                                       "--port", str(vport)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    node = subprocess.Popen(pin(0) + ["node", os.path.join(here, "node", "worker-host.mjs"),
                                      os.path.join(dist, "plugins", "hello.js"), str(nport)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_for(valor, "serving")
        wait_for(node, "serving")
        sides = {"valor java hello": f"http://127.0.0.1:{vport}/hello",
                 "valor hello.js (GraalJS)": f"http://127.0.0.1:{vport}/hello_js",
                 "node 20 hello.js (V8)": f"http://127.0.0.1:{nport}/"}
        for url in sides.values():
            wrk(url, 5, a.connections)  # warm-up
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
        for p in (valor, node):
            p.send_signal(signal.SIGTERM)
            p.wait(10)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
