#!/usr/bin/env python3
"""CPU and voluntary context switches per request, by thread group, of Valor (the examples) and of
the bare Jetty 12 servlet (bench/peers/jetty, bin/valor's JVM flags): the JVM's /proc task times
summed over a wrk run, divided by the requests wrk counted. Unpinned (server and wrk free on every
core, as users run servers), interleaved rounds; thread names have their digits folded, so a pool's
threads make one group.

Usage: bench/taskcpu.py [--path /hello] [--rounds 3] [--seconds 6] [--warmup 15] [--no-peer] [--dist D[,D2...]]
(more than one distribution: each is measured beside the others, interleaved, as an A/B of two builds)
"""
import argparse, glob, os, re, shutil, statistics, subprocess
from benchlib import DIST, PEER, VALOR_FLAGS, ensure_wrk, free_port, java_command, private_dist, same_jdk_as_valor, stop, wait_for_line

TICK = os.sysconf("SC_CLK_TCK")

def tasks(pid):
    """Per thread of the process: (group, CPU seconds, voluntary switches)."""
    out = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(task + "/comm") as f:
                name = f.read().strip()
            with open(task + "/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(task + "/status") as f:
                vol = int(re.search(r"\nvoluntary_ctxt_switches:\s+(\d+)", f.read()).group(1))
        except (OSError, AttributeError):
            continue  # the thread ended while read
        out[task] = (re.sub(r"\d+", "N", name), (int(fields[11]) + int(fields[12])) / TICK, vol)
    return out

def java_pid(proc):
    """bin/valor runs java as its child; the peer is java itself."""
    kids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    for pid in [proc.pid] + [int(k) for k in kids]:
        with open(f"/proc/{pid}/comm") as f:
            if "java" in f.read():
                return pid
    return proc.pid

def load(url, seconds):
    out = subprocess.run(["wrk", "-t1", "-c32", f"-d{seconds}s", url], capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses|Socket errors", out):
        raise SystemExit(f"wrk against {url}: errors\n{out}")
    return int(re.search(r"(\d+) requests in", out).group(1)), float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

def one_round(pid, url, seconds):
    """(req/s, requests, {group: [CPU s, voluntary switches]}) of one wrk run."""
    before = tasks(pid)
    n, rps = load(url, seconds)
    groups = {}
    for task, (name, cpu, vol) in tasks(pid).items():
        cpu0, vol0 = before.get(task, (name, 0, 0))[1:]
        g = groups.setdefault(name, [0.0, 0])
        g[0] += cpu - cpu0
        g[1] += vol - vol0
    return rps, n, groups

def report(label, rounds):
    print(f"{label}: req/s " + " ".join(f"{r[0]:.0f}" for r in rounds))
    total = [1e6 * sum(g[0] for g in r[2].values()) / r[1] for r in rounds]
    switches = [sum(g[1] for g in r[2].values()) / r[1] for r in rounds]
    print(f"  CPU per request {statistics.median(total):.1f} us (median), voluntary switches "
          f"{statistics.median(switches):.2f} a request")
    rows = []
    for name in {k for r in rounds for k in r[2]}:
        us = statistics.median(1e6 * r[2].get(name, [0, 0])[0] / r[1] for r in rounds)
        cs = statistics.median(r[2].get(name, [0, 0])[1] / r[1] for r in rounds)
        rows.append((us, name, cs))
    for us, name, cs in sorted(rows, reverse=True)[:8]:
        print(f"  {name:28s} {us:6.2f} us  {cs:5.2f} switches a request")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--path", default="/hello")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--warmup", type=int, default=15)
    ap.add_argument("--dist", default=DIST, help="a built distribution, or several separated by commas")
    ap.add_argument("--no-peer", action="store_true")
    a = ap.parse_args()
    ensure_wrk()
    same_jdk_as_valor()
    java = java_command()
    sources = a.dist.split(",")
    works, sides = [], []
    for source in sources:
        work, dist = private_dist(source, access_log=False)
        works.append(work)
        port = free_port()
        label = f"valor {a.path}" + (f" ({source})" if len(sources) > 1 else "")
        sides.append((label, subprocess.Popen(
            [os.path.join(dist, "bin", "valor"), "-p", os.path.join(dist, "examples", "plugins.json"), "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True),
            f"http://127.0.0.1:{port}{a.path}"))
    if not a.no_peer:
        port = free_port()
        sides.append(("bare Jetty servlet", subprocess.Popen([java] + VALOR_FLAGS + ["-jar", PEER, str(port)],
                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True), f"http://127.0.0.1:{port}/"))
    try:
        for _, proc, url in sides:
            wait_for_line(proc, "serving")
            load(url, a.warmup)
        results = {label: [] for label, _, _ in sides}
        for i in range(a.rounds):
            for label, proc, url in sides[:: 1 if i % 2 == 0 else -1]:
                results[label].append(one_round(java_pid(proc), url, a.seconds))
        for label, rounds in results.items():
            report(label, rounds)
    finally:
        stop([proc for _, proc, _ in sides], timeout=30)
        for work in works:
            shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
