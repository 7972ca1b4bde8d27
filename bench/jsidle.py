#!/usr/bin/env python3
"""Memory per idle JavaScript plugin and context creation time.

Starts a private copy of the distribution (no plugins file), measures the heap in use after a
full GC (jcmd GC.heap_info), deploys N copies of examples/js/hello.js through deploy/, waits until
all answer, measures again; prints (after - before) / N, and the first-context times the runtime
logged ("its first context in N ms").

Usage: bench/jsidle.py [--plugins 50]
"""
import argparse, http.client, os, re, shutil, signal, statistics, subprocess, time
from benchlib import DIST, free_port, private_dist, stop

def heap_used_kb(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    time.sleep(0.5)
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"used (\d+)K", out).group(1))

def status(port, path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", path)
        return c.getresponse().status
    except OSError:
        return 0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", type=int, default=50)
    ap.add_argument("--dist", default=DIST)
    a = ap.parse_args()
    work, dist = private_dist(a.dist)
    log = os.path.join(work, "valor.log")
    port = free_port()
    proc = subprocess.Popen([os.path.join(dist, "bin", "valor"), "--port", str(port)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env={**os.environ, "VALOR_JAVA_OPTS": os.environ.get("VALOR_JAVA_OPTS", "")})
    try:
        while status(port, "/_health") != 200:
            time.sleep(0.1)
        # one plugin first, so the engine's own memory is not counted per plugin
        shutil.copy(os.path.join(dist, "plugins", "hello.js"), os.path.join(dist, "deploy", "warm.js"))
        while status(port, "/warm") != 200:
            time.sleep(0.05)
        before = heap_used_kb(proc.pid)
        for i in range(a.plugins):
            shutil.copy(os.path.join(dist, "plugins", "hello.js"), os.path.join(dist, "deploy", f"idle{i}.js"))
        for i in range(a.plugins):
            while status(port, f"/idle{i}") != 200:
                time.sleep(0.05)
        after = heap_used_kb(proc.pid)
        times = [int(t) for t in re.findall(r"Started idle\d+ \(worker style; its first context in (\d+) ms\)", open(log).read())]
        print(f"{a.plugins} idle hello.js plugins (one context each): heap +{(after - before) / 1024:.1f} MB, "
              f"{(after - before) / a.plugins:.0f} KB per plugin")
        print(f"first context per plugin: median {statistics.median(times):.0f} ms, min {min(times)} ms, max {max(times)} ms")
    finally:
        stop((proc,), work)

if __name__ == "__main__":
    main()
