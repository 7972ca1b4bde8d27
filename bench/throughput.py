#!/usr/bin/env python3
"""Requests/s and p99 of the example plugins through the full stack, measured with wrk.

Starts the built distribution with examples/plugins.json on a loopback port, then runs wrk
against each scenario in turn, for several interleaved rounds (so the machine's noise hits every
scenario alike), and prints the medians and each scenario's ratio to the Java hello.
Server and load generator are pinned to different cores when taskset is there.

Usage: bench/throughput.py [--rounds 3] [--seconds 5] [--connections 16] [--threads 1]
Needs wrk (apt-get install wrk; this script installs it when run as root).
"""
import argparse, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

SCENARIOS = [
    ("java hello", "/hello"),
    ("wasm reactor hello (C)", "/hello_wasm"),
    ("wasm reactor with_state (C)", "/alice_wasm?who=Bob"),
    ("wasm WAGI hello (C)", "/wagi"),
    ("js worker hello", "/hello_js"),
    ("js worker with_state", "/alice_js?who=Bob"),
    ("js module handler", "/handler_js/x"),
]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

def pin(cpu):
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() > 1 else []

def wrk(url, seconds, connections, threads):
    out = subprocess.run(pin(1) + ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                                   "--latency", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p99ms, int(non2xx.group(1)) if non2xx else 0

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dist", default=os.path.join(here, "..", "valor.distribution", "target", "valor"))
    a = ap.parse_args()
    ensure_wrk()
    work = tempfile.mkdtemp(prefix="valor-bench-")
    dist = os.path.join(work, "valor")
    shutil.copytree(os.path.abspath(a.dist), dist, ignore=shutil.ignore_patterns("var"))
    with open(os.path.join(dist, "conf", "logging.properties"), "a") as f:
        f.write("\norg.slf4j.simpleLogger.log.valor.access=warn\n")  # the access log is not what we measure
    port = free_port()
    proc = subprocess.Popen(pin(0) + [os.path.join(dist, "bin", "valor"), "-p",
                                      os.path.join(dist, "examples", "plugins.json"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
    try:
        while "serving" not in proc.stdout.readline():
            if proc.poll() is not None:
                sys.exit("valor did not start")
        base = f"http://127.0.0.1:{port}"
        for _, path in SCENARIOS:  # warm-up: JIT, pools
            wrk(base + path, 3, a.connections, a.threads)
        results = {name: [] for name, _ in SCENARIOS}
        for _ in range(a.rounds):
            for name, path in SCENARIOS:
                results[name].append(wrk(base + path, a.seconds, a.connections, a.threads))
        java = statistics.median(r[0] for r in results["java hello"])
        print(f"{'scenario':32} {'req/s':>9} {'p99 ms':>8} {'vs java':>8} {'non-2xx':>8}")
        for name, _ in SCENARIOS:
            rps = statistics.median(r[0] for r in results[name])
            p99 = statistics.median(r[1] for r in results[name])
            bad = sum(r[2] for r in results[name])
            print(f"{name:32} {rps:9.0f} {p99:8.2f} {rps / java:7.2f}x {bad:8d}")
        print(f"({a.rounds} rounds of {a.seconds} s, wrk -t{a.threads} -c{a.connections}, medians)")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
