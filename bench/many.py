#!/usr/bin/env python3
"""Many plugins: N copies of the C hello.wasm in deploy/ against one.

Measures: start-up with N plugins in the folder (process start -> the ready line, which comes after
the folder is deployed), heap and RSS per idle wasm plugin, and latency (wrk, p50/p99) of calls
spread over all N plugins against calls to one plugin, in the same run.

Unpinned by default (the server and wrk free on every core, as users run servers); --regime pinned puts
the server on core 0 and wrk on core 1. --kind java measures the same spread over N routes of the Java
hello (plugins.json entries of the "native" type), which shows the router's part of it: the latency
figures only.

Usage: bench/many.py [--plugins 1000] [--seconds 10] [--regime unpinned|pinned] [--kind wasm|java]
"""
import argparse, http.client, json, os, re, shutil, signal, statistics, subprocess, sys, time
from benchlib import DIST, ensure_wrk, free_port, pin, private_dist, wrk

def heap_used_mb(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    time.sleep(0.5)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    # G1 prints one heap line; Serial (the JVM's pick on the one core pin() gives it) a line per
    # generation, of which the first, the young one, is about empty after a GC
    return sum(int(m.group(1)) for line in out.splitlines() if "Metaspace" not in line and "class space" not in line
               for m in [re.search(r"used (\d+)K", line)] if m) / 1024

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0

def start(dist, port, pinned, args=()):
    begin = time.perf_counter()
    proc = subprocess.Popen((pin(0) if pinned else []) + [os.path.join(dist, "bin", "valor"), "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
    while "serving" not in proc.stdout.readline():
        if proc.poll() is not None:
            sys.exit("valor did not start")
    return proc, time.perf_counter() - begin

def lat(url_or_script, base, seconds, pinned):
    cpu = pin(1) if pinned else []
    if url_or_script.endswith(".lua"):
        out = subprocess.run(cpu + ["wrk", "-t1", "-c16", "-d", f"{seconds}s", "--latency", "-s", url_or_script, base],
                             capture_output=True, text=True, check=True).stdout
    else:
        out = subprocess.run(cpu + ["wrk", "-t1", "-c16", "-d", f"{seconds}s", "--latency", base + url_or_script],
                             capture_output=True, text=True, check=True).stdout
    def pct(p):
        m = re.search(p + r"%\s+([\d.]+)(us|ms|s)", out)
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    bad = re.search(r"(Non-2xx or 3xx responses|Socket errors):.*", out)
    if bad:
        sys.exit(f"wrk against {base}: {bad.group(0)}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, pct("50"), pct("99")

def requests_script(folder, name, paths):
    """A wrk script that sends, for each request, a random one of these GETs; its path."""
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write("math.randomseed(os.time())\nlocal paths = {\n")
        f.writelines(f'  "{p}",\n' for p in paths)
        # made in init, where wrk has set the Host header its requests need
        f.write("}\nlocal requests = {}\ninit = function(args)\n"
                "  for i, p in ipairs(paths) do requests[i] = wrk.format(\"GET\", p) end\nend\n"
                f"request = function()\n  return requests[math.random(1, {len(paths)})]\nend\n")
    return path

def await_answer(port, path):
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"{path} did not answer")

def spread_rounds(work, port, plugins, seconds, rounds, pinned):
    """Calls spread over /p0../pN-1 against calls to /one: each side's medians (req/s, p50, p99)."""
    # Both sides draw a random entry of a table of N requests made ahead, so wrk's own work per
    # request is the same and only the spreading differs: the one-plugin table is N times "/one".
    script = requests_script(work, "spread.lua", [f"/p{i}" for i in range(plugins)])
    single = requests_script(work, "one.lua", ["/one"] * plugins)
    base = f"http://127.0.0.1:{port}"
    lat(single, base, 3, pinned)
    lat(script, base, 3, pinned)
    one, spread = [], []
    for i in range(rounds):  # each side first in every other round
        for side in ((single, one), (script, spread))[:: 1 if i % 2 == 0 else -1]:
            side[1].append(lat(side[0], base, seconds, pinned))
    med = lambda rows, i: statistics.median(r[i] for r in rows)
    return [med(one, i) for i in range(3)], [med(spread, i) for i in range(3)]

def measure_java(plugins, seconds, source=DIST, rounds=3, pinned=False):
    """The spread over N routes of the Java hello: its figures (req/s, ms)."""
    ensure_wrk()
    work, dist = private_dist(source, access_log=False)
    entries = [{"name": n, "type": "native", "path": "hello"} for n in ["one"] + [f"p{i}" for i in range(plugins)]]
    plugins_json = os.path.join(work, "plugins.json")
    with open(plugins_json, "w") as f:
        json.dump({"plugins": entries}, f)
    port = free_port()
    proc = None
    try:
        proc, _ = start(dist, port, pinned, ("-p", plugins_json))
        await_answer(port, f"/p{plugins - 1}")
        one, spread = spread_rounds(work, port, plugins, seconds, rounds, pinned)
        return {"plugins": plugins, "one": one, "spread": spread}
    finally:
        if proc:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)

def measure(plugins, seconds, source=DIST, rounds=3, pinned=False):
    """Runs the whole measurement; returns its figures (req/s, ms, KB, s)."""
    ensure_wrk()
    work, dist = private_dist(source, access_log=False)
    deploy = os.path.join(dist, "deploy")
    hello = os.path.join(dist, "plugins", "hello.wasm")
    port = free_port()
    try:
        proc, empty_start = start(dist, port, pinned)
        shutil.copy(hello, os.path.join(deploy, "one.wasm"))
        time.sleep(2)
        heap0, rss0 = heap_used_mb(proc.pid), rss_mb(proc.pid)
        for i in range(plugins):
            shutil.copy(hello, os.path.join(deploy, f"p{i}.wasm"))
        await_answer(port, f"/p{plugins - 1}")  # the folder deploys them; the last one answers
        time.sleep(2)
        heap1, rss1 = heap_used_mb(proc.pid), rss_mb(proc.pid)
        one, spread = spread_rounds(work, port, plugins, seconds, rounds, pinned)
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        proc, full_start = start(dist, port, pinned)
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        return {"plugins": plugins, "heap_kb": (heap1 - heap0) * 1024 / plugins, "rss_kb": (rss1 - rss0) * 1024 / plugins,
                "one": one, "spread": spread,
                "empty_start_s": empty_start, "full_start_s": full_start}
    finally:
        try:
            proc.kill()
        except Exception:
            pass
        shutil.rmtree(work, ignore_errors=True)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--dist", default=DIST)
    ap.add_argument("--regime", choices=("unpinned", "pinned"), default="unpinned")
    ap.add_argument("--kind", choices=("wasm", "java"), default="wasm")
    a = ap.parse_args()
    java = a.kind == "java"
    r = (measure_java if java else measure)(a.plugins, a.seconds, a.dist, pinned=a.regime == "pinned")
    one, spread = r["one"], r["spread"]
    what = "routes of the Java hello" if java else "copies of hello.wasm (C, reactor ABI)"
    print(f"{a.plugins} {what} on {os.cpu_count()} cores, {a.regime}")
    if not java:
        print(f"idle memory per wasm plugin: heap {r['heap_kb']:.0f} KB, RSS {r['rss_kb']:.0f} KB")
    print(f"1 plugin:          {one[0]:8.0f} req/s  p50 {one[1]:.2f} ms  p99 {one[2]:.2f} ms")
    print(f"spread over {a.plugins}: {spread[0]:8.0f} req/s  p50 {spread[1]:.2f} ms  p99 {spread[2]:.2f} ms"
          f"  (p50 {spread[1] / one[1]:.2f}x)")
    if not java:
        print(f"start -> ready: {r['empty_start_s']:.2f} s with an empty folder, {r['full_start_s']:.2f} s with {a.plugins + 1} plugins")

if __name__ == "__main__":
    main()
