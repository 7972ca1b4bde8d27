#!/usr/bin/env python3
"""Key-value stores through plugins, unpinned (server, peers and wrk free on every core, as users
run them), 32 connections, interleaved rounds, medians.

Embedded (default): get and put through a WebAssembly plugin (examples/wasm/c/notes.c) and a
JavaScript one (examples/js/notes.mjs) on the SQLite store, with sync=normal and sync=full, beside
hello plugins of the same kinds that do not touch the store.

--redis: the same plugins on a Redis store (a redis-server of its own on a free port), side by side
with a bare Jetty 12 servlet doing the same get/put through the same client (Jedis, 64 connections:
bench/peers/jetty JettyKv, the limit) and Node 20 with the redis npm client (bench/node/kv, the
alternative users name).

    python3 bench/kv.py [--redis] [--seconds 5] [--warmup 10] [--rounds 3]
"""
import argparse, os, shutil, statistics, subprocess, sys, time, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import DIST, PEER, ensure_wrk, free_port, java_command, private_dist, stop, wait_for_line, wrk

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
NODE = os.path.join(HERE, "node", "kv")
NOTE = '{"note":"a short note of some sixty bytes, as a user writes"}'
PUT_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("PUT", "%s" .. (counter %% 1000), nil, '%s')
end
"""

def valor(dist, port, kv):
    p = subprocess.Popen([os.path.join(dist, "bin", "valor"), "--port", str(port), "--kv", kv],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    wait_for_line(p, "Valor serving on")
    return p

def deploy(dist, hellos):
    deploy, plugins = os.path.join(dist, "deploy"), os.path.join(dist, "plugins")
    files = [("cnotes.wasm", "notes.wasm"), ("notes.mjs", "notes.mjs")]
    if hellos:
        files += [("hellow.wasm", "hello.wasm"), ("helloj.js", "hello.js")]
    for name, src in files:
        shutil.copy(os.path.join(plugins, src), os.path.join(deploy, name))
        with open(os.path.join(deploy, name.rsplit(".", 1)[0] + ".json"), "w") as f:
            f.write('{"capabilities": {"kv": ["default"]}}')

def put_script(work, label, path):
    f = os.path.join(work, label.replace(" ", "_") + ".lua")
    with open(f, "w") as out:
        out.write(PUT_LUA % (path, NOTE))
    return f

def seed(url):
    urllib.request.urlopen(urllib.request.Request(url, data=b'{"note":"read me"}', method="PUT")).read()

def measure(cases, a):
    for _, url, script in cases:
        wrk(url, a.warmup, a.connections, script=script, pinned=False)
    runs = {label: [] for label, _, _ in cases}
    for _ in range(a.rounds):  # interleaved: the machine's drift falls on every case alike
        for label, url, script in cases:
            runs[label].append(wrk(url, a.seconds, a.connections, script=script, pinned=False))
    out = {}
    for label, rs in runs.items():
        out[label] = (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), sum(r[2] for r in rs))
        print(f"{label:34} {out[label][0]:9.0f} req/s  p99 {out[label][1]:6.2f} ms  non-2xx {out[label][2]}", flush=True)
    return out

def embedded(a):
    for sync in ("normal", "full"):
        work, dist = private_dist(DIST, access_log=False)
        deploy(dist, hellos=True)
        port = free_port()
        proc = valor(dist, port, f"default=file:{os.path.join(dist, 'var', 'kv', 'bench.db')}?sync={sync}")
        base = f"http://127.0.0.1:{port}"
        try:
            seed(f"{base}/cnotes/bench")
            print(f"-- embedded, sync={sync}")
            measure([("wasm hello (no store)", f"{base}/hellow", None),
                     ("wasm get", f"{base}/cnotes/bench", None),
                     ("wasm put", f"{base}/", put_script(work, "wasm put", "/cnotes/k")),
                     ("js hello (no store)", f"{base}/helloj", None),
                     ("js get", f"{base}/notes/bench", None),
                     ("js put", f"{base}/", put_script(work, "js put", "/notes/k"))], a)
        finally:
            stop([proc], work)

def with_redis(a):
    if not shutil.which("redis-server"):
        sys.exit("redis-server is needed: scripts/setup.sh installs it")
    if not os.path.exists(PEER):
        subprocess.run(["mvn", "-B", "-q", "-Pbench", "-DskipTests", "package", "-pl", "bench/peers/jetty"],
                       cwd=ROOT, check=True)
    if not os.path.isdir(os.path.join(NODE, "node_modules")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE, check=True)
    rport = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    work, dist = private_dist(DIST, access_log=False)
    deploy(dist, hellos=False)
    ports = {"valor": free_port(), "jetty": free_port(), "node": free_port()}
    procs = [redis]
    try:
        procs.append(valor(dist, ports["valor"], f"default=redis://127.0.0.1:{rport}/0"))
        java = java_command()
        jetty = subprocess.Popen([java, "-Xss4m", "-cp", PEER, "dev.valor.bench.peer.JettyKv", str(ports["jetty"]),
                                  f"redis://127.0.0.1:{rport}/1"], stdout=subprocess.PIPE, text=True)
        wait_for_line(jetty, "serving on")
        procs.append(jetty)
        node = subprocess.Popen(["node", os.path.join(NODE, "server.mjs"), str(ports["node"]), f"redis://127.0.0.1:{rport}/2"],
                                stdout=subprocess.PIPE, text=True)
        wait_for_line(node, "serving on")
        procs.append(node)
        v, j, n = (f"http://127.0.0.1:{ports[k]}" for k in ("valor", "jetty", "node"))
        for url in (f"{v}/cnotes/bench", f"{j}/bench", f"{n}/bench"):
            seed(url)
        print(f"-- Redis {subprocess.run(['redis-server', '--version'], capture_output=True, text=True).stdout.split()[2]}")
        measure([("valor wasm get", f"{v}/cnotes/bench", None),
                 ("valor js get", f"{v}/notes/bench", None),
                 ("jetty servlet get (jedis)", f"{j}/bench", None),
                 ("node 20 get (redis npm)", f"{n}/bench", None),
                 ("valor wasm put", f"{v}/", put_script(work, "valor wasm put", "/cnotes/k")),
                 ("valor js put", f"{v}/", put_script(work, "valor js put", "/notes/k")),
                 ("jetty servlet put (jedis)", f"{j}/", put_script(work, "jetty put", "/k")),
                 ("node 20 put (redis npm)", f"{n}/", put_script(work, "node put", "/k"))], a)
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait(10)
        shutil.rmtree(work, ignore_errors=True)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redis", action="store_true")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    ensure_wrk()
    (with_redis if a.redis else embedded)(a)

if __name__ == "__main__":
    main()
