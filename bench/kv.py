#!/usr/bin/env python3
"""Key-value stores through plugins: get and put per call, in WebAssembly (examples/wasm/c/notes.c)
and JavaScript (examples/js/notes.mjs), on the embedded store with each fsync policy, beside the same
plugins' kind answering without the store (hello), so the store's own cost shows. Unpinned: server and
wrk free on every core, as users run them.

    python3 bench/kv.py [--seconds 5] [--warmup 5] [--connections 32]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import DIST, ensure_wrk, free_port, private_dist, stop, wait_for_line, wrk

PUT_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("PUT", "/%s/k" .. (counter %% 1000), nil, '{"note":"a short note of some sixty bytes, as a user writes"}')
end
"""

def start(dist, port, kv):
    cmd = [os.path.join(dist, "bin", "valor"), "--port", str(port)] + (["--kv", kv] if kv else [])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    wait_for_line(p, "Valor serving on")
    return p

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    ensure_wrk()
    results = {}
    for sync in ("normal", "full"):
        work, dist = private_dist(DIST, access_log=False)
        deploy, plugins = os.path.join(dist, "deploy"), os.path.join(dist, "plugins")
        grant = '{"capabilities": {"kv": ["default"]}}'
        for name, src in (("cnotes.wasm", "notes.wasm"), ("notes.mjs", "notes.mjs"), ("hellow.wasm", "hello.wasm"), ("helloj.js", "hello.js")):
            shutil.copy(os.path.join(plugins, src), os.path.join(deploy, name))
            with open(os.path.join(deploy, name.rsplit(".", 1)[0] + ".json"), "w") as f:
                f.write(grant)
        port = free_port()
        store = os.path.join(dist, "var", "kv", "bench.db")
        proc = start(dist, port, f"default=file:{store}?sync={sync}")
        base = f"http://127.0.0.1:{port}"
        try:
            for p in ("cnotes", "notes"):
                req = urllib.request.Request(f"{base}/{p}/bench", data=b'{"note":"read me"}', method="PUT")
                urllib.request.urlopen(req).read()
            lua = os.path.join(work, "put-%s.lua")
            for p in ("cnotes", "notes"):
                with open(lua % p, "w") as f:
                    f.write(PUT_LUA % p)
            cases = [("wasm hello (no store)", f"{base}/hellow", None),
                     ("wasm get", f"{base}/cnotes/bench", None),
                     ("wasm put", f"{base}/", lua % "cnotes"),
                     ("js hello (no store)", f"{base}/helloj", None),
                     ("js get", f"{base}/notes/bench", None),
                     ("js put", f"{base}/", lua % "notes")]
            for label, url, script in cases:
                wrk(url, a.warmup, a.connections, script=script, pinned=False)
            for label, url, script in cases:
                runs = [wrk(url, a.seconds, a.connections, script=script, pinned=False) for _ in range(a.rounds)]
                rps = statistics.median(r[0] for r in runs)
                p99 = statistics.median(r[1] for r in runs)
                bad = sum(r[2] for r in runs)
                results.setdefault(label, {})[sync] = (rps, p99, bad)
                print(f"sync={sync:6} {label:22} {rps:9.0f} req/s  p99 {p99:6.2f} ms  non-2xx {bad}", flush=True)
        finally:
            stop([proc], work)

if __name__ == "__main__":
    main()
