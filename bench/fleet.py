#!/usr/bin/env python3
"""A fleet on this machine (docs/fleet.md): redis-server, three nodes with --fleet, HAProxy in front.

Convergence: a change registered on one node (PUT /_plugins/NAME with the artifact uploaded, each
change a new config), acknowledged -> every node answers with it, asked directly every 2 ms; p50
and p99 over --changes changes, the node taking them turning in turn.

Throughput, unpinned (everything free on every core, as users run it), wrk -t2 -c64, interleaved
rounds, medians: the wasm hello through HAProxy to three nodes, through HAProxy to one node, and
one node asked directly.

    python3 bench/fleet.py [--changes 50] [--seconds 5] [--warmup 10] [--rounds 3]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ensure_wrk, free_port, private_dist, stop, wait_for_line, wrk

TOKEN = "bench-fleet-token"

def redis(work):
    port = free_port()
    d = os.path.join(work, "redis")
    os.makedirs(d)
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "",
                          "--appendonly", "yes", "--appendfsync", "always"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(500):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return p, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.02)
    sys.exit("redis-server did not start")

def node(fleet):
    work, dist = private_dist(access_log=False)
    port = free_port()
    env = dict(os.environ, VALOR_REGISTRY_TOKEN=TOKEN)
    p = subprocess.Popen([os.path.join(dist, "bin", "valor"), "--port", str(port), "-w", "--fleet", fleet],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=env)
    wait_for_line(p, "Valor serving on")
    return p, work, dist, port

def haproxy(work, name, ports):
    port = free_port()
    cfg = os.path.join(work, f"{name}.cfg")
    with open(cfg, "w") as f:
        f.write("\n".join([
            "global", "  maxconn 4096", "defaults", "  mode http", "  timeout connect 1s", "  timeout client 30s",
            "  timeout server 30s", "  retries 3", "  option redispatch",
            "frontend fe", f"  bind 127.0.0.1:{port}", "  default_backend nodes",
            "backend nodes", "  balance roundrobin", "  option httpchk GET /_health/ready",
            "  http-check expect status 200", "  default-server inter 500ms fall 2 rise 2", ""]
            + [f"  server n{i} 127.0.0.1:{p} check" for i, p in enumerate(ports)]) + "\n")
    return subprocess.Popen(["/usr/sbin/haproxy", "-db", "-f", cfg], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL), port

def upload(port, method, path, definition, artifact):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
                          "-H", f"Authorization: Bearer {TOKEN}", "-F", f"definition={definition}",
                          "-F", f"artifact=@{artifact}", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    if out not in ("200", "201"):
        sys.exit(f"{method} {path}: {out}")

def body(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        return str(e.code)
    except OSError:
        return ""

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    ensure_wrk()
    if not shutil.which("haproxy") and not os.path.exists("/usr/sbin/haproxy"):
        sys.exit("haproxy is needed: scripts/setup.sh installs it")
    work = tempfile.mkdtemp(prefix="valor-bench-fleet-")
    procs, works = [], [work]
    try:
        r, fleet = redis(work)
        procs.append(r)
        nodes = [node(fleet) for _ in range(3)]
        procs += [n[0] for n in nodes]
        works += [n[1] for n in nodes]
        ports = [n[3] for n in nodes]
        plugins = os.path.join(nodes[0][2], "plugins")
        h3, via3 = haproxy(work, "three", ports)
        h1, via1 = haproxy(work, "one", ports[:1])
        procs += [h3, h1]
        grant = '"capabilities": {"kv": ["default"]}'
        upload(ports[0], "POST", "/_plugins", '{"name": "hello"}', os.path.join(plugins, "hello.wasm"))
        upload(ports[0], "POST", "/_plugins", '{"name": "conv", "config": "V0", ' + grant + '}',
               os.path.join(plugins, "with_state.wasm"))
        while not all(body(p, "/conv?who=x") == "V0 says hello x!" for p in ports):
            time.sleep(0.01)

        took = []
        for v in range(1, a.changes + 1):
            want = f"V{v} says hello x!"
            upload(ports[v % 3], "PUT", "/_plugins/conv", '{"config": "V%d", %s}' % (v, grant),
                   os.path.join(plugins, "with_state.wasm"))
            acked = time.perf_counter()
            for p in ports:
                while body(p, "/conv?who=x") != want:
                    time.sleep(0.002)
            took.append((time.perf_counter() - acked) * 1000)
        took.sort()
        p99 = took[min(len(took) - 1, int(round(0.99 * len(took))) - 1)]
        print(f"convergence over {len(took)} changes (ack -> 3 nodes serving): p50 {statistics.median(took):.0f} ms,"
              f" p99 {p99:.0f} ms, max {took[-1]:.0f} ms")

        while body(via3, "/hello") == "" or body(via1, "/hello") == "":
            time.sleep(0.05)
        targets = {"HAProxy -> 3 nodes": via3, "HAProxy -> 1 node": via1, "1 node, direct": ports[0]}
        for port in targets.values():
            wrk(f"http://127.0.0.1:{port}/hello", a.warmup, 64, threads=2, pinned=False)
        results = {k: [] for k in targets}
        for _ in range(a.rounds):
            for k, port in targets.items():
                rps, p99ms, bad = wrk(f"http://127.0.0.1:{port}/hello", a.seconds, 64, threads=2, pinned=False)
                if bad:
                    sys.exit(f"{k}: {bad} non-2xx answers")
                results[k].append((rps, p99ms))
        print(f"wasm hello, unpinned, wrk -t2 -c64, median of {a.rounds} interleaved rounds of {a.seconds} s:")
        for k, rs in results.items():
            print(f"  {k:22s} {statistics.median(x[0] for x in rs):9.0f} req/s  p99 {statistics.median(x[1] for x in rs):6.2f} ms")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        for w in works:
            shutil.rmtree(w, ignore_errors=True)

if __name__ == "__main__":
    main()
