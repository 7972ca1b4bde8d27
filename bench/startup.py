#!/usr/bin/env python3
"""Cold start of the built distribution: process start -> first 200 on /_health/ready (the start-up
deploys done and the router serving: the plugins answer), and RSS once ready.

Usage: bench/startup.py [--runs N] [--dist DIR] [--plugins FILE] [-- extra valor args]
Environment: VALOR_JAVA_OPTS and JAVA_HOME are passed through to bin/valor.
"""
import argparse, http.client, os, signal, statistics, subprocess, sys, time
from benchlib import DIST, free_port

def health(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/_health/ready")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except OSError:
        return False

def rss_mb(pid):
    # bin/valor execs java, so the pid is the JVM's
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def one(dist, args):
    port = free_port()
    cmd = [os.path.join(dist, "bin", "valor"), "--port", str(port)] + args
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        while not health(port):
            if p.poll() is not None:
                raise SystemExit(f"valor exited with {p.returncode}: {' '.join(cmd)}")
            if time.perf_counter() - start > 60:
                raise SystemExit("not ready within 60 s")
            time.sleep(0.002)
        ms = (time.perf_counter() - start) * 1000
        time.sleep(0.5)  # let start-up work that follows readiness settle before reading RSS
        return ms, rss_mb(p.pid)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(10)

def measure(runs=5, source=DIST, args=None):
    """Median cold start (ms) and RSS (MB) over runs, after one run that warms the file cache."""
    dist = os.path.abspath(source)
    args = args if args is not None else ["-p", os.path.join(dist, "examples", "plugins.json")]
    one(dist, args)
    results = [one(dist, args) for _ in range(runs)]
    return sorted(r[0] for r in results), sorted(r[1] for r in results)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dist", default=DIST)
    ap.add_argument("--plugins", default=None, help="plugins file (default: the distribution's examples)")
    ap.add_argument("rest", nargs="*")
    a = ap.parse_args()
    dist = os.path.abspath(a.dist)
    plugins = a.plugins or os.path.join(dist, "examples", "plugins.json")
    times, rss = measure(a.runs, dist, ["-p", plugins] + a.rest)
    print("runs: " + ", ".join(f"{t:.0f}" for t in times) + " ms")
    print(f"cold start median {statistics.median(times):.0f} ms, RSS median {statistics.median(rss):.0f} MB "
          f"(JAVA opts: {os.environ.get('VALOR_JAVA_OPTS', '') or 'none'})")

if __name__ == "__main__":
    main()
