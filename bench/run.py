#!/usr/bin/env python3
"""Valor side by side with its peers, in one run, one table (issue 7).

Throughput pairs, measured interleaved in rounds (medians quoted, so the machine's noise cancels in
the ratio), in two regimes: unpinned (every server and wrk free on every core, as users run servers;
the targets hold here) and pinned (servers on core 0, wrk on core 1, taskset: less noise, the figure
earlier records quote):
  java hello   Valor's Java hello through the router  vs  a bare Jetty 12 servlet (bench/peers/jetty), same JVM flags
  wasm hello   examples' hello.wasm (C, reactor ABI)   vs  the same file in Node 20 (bench/node/reactor-host.mjs)
  js hello     examples' hello.js (worker style)       vs  the same file in Node 20 (bench/node/worker-host.mjs)
  sha-256      examples' sha256.wasm, a 1 MiB body, -c4 vs  the same file in Node 20 (bench/node/reactor-host.mjs)
Then many plugins (N copies of hello.wasm vs one: p50 in each regime, memory per idle plugin,
start-up), cold start, and hot deploy / hot swap.

Usage: bench/run.sh [--quick] [--regime both|unpinned|pinned]
       (--quick: a few minutes; without it, the run for the record; both regimes unless told)
Builds what it lacks: the distribution (mvn install) and the Jetty peer (mvn -Pbench package).
"""
import argparse, json, os, statistics, subprocess, sys, time
from benchlib import (DIST, HERE, PEER, VALOR_FLAGS, ensure_wrk, free_port, java_command, pin, post_script,
                      private_dist, same_jdk_as_valor, wait_for_line, wrk, stop)
import hotdeploy, many, startup

ROOT = os.path.dirname(HERE)
def build():
    if not os.path.isdir(DIST):
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "install"], cwd=ROOT, check=True)
    if not os.path.exists(PEER):
        subprocess.run(["mvn", "-B", "-q", "-Pbench", "-DskipTests", "package", "-pl", "bench/peers/jetty"], cwd=ROOT,
                       check=True)

def throughput(rounds, seconds, connections, warmup, pinned):
    """Rows of (scenario, peer, Valor's medians, the peer's, target) in one regime."""
    work, dist = private_dist(DIST, access_log=False)
    examples = os.path.join(dist, "examples", "plugins.json")
    with open(examples) as f:
        plugins = json.load(f)
    plugins["plugins"].append({"name": "sha256", "type": "wasm", "path": "sha256.wasm"})
    with open(examples, "w") as f:
        json.dump(plugins, f)
    post = post_script(work, 1024)  # what bench/cpu.py sends: SHA-256 of 1 MiB
    ports = {k: free_port() for k in ("valor", "jetty", "node_wasm", "node_js", "node_sha")}
    java = java_command()
    server = pin(0) if pinned else []
    procs = [
        subprocess.Popen(server + [os.path.join(dist, "bin", "valor"), "-p", os.path.join(dist, "examples", "plugins.json"),
                                   "--port", str(ports["valor"])], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, text=True),
        subprocess.Popen(server + [java] + VALOR_FLAGS + ["-jar", PEER, str(ports["jetty"])],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True),
        subprocess.Popen(server + ["node", os.path.join(HERE, "node", "reactor-host.mjs"),
                                   os.path.join(dist, "plugins", "hello.wasm"), str(ports["node_wasm"])],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True),
        subprocess.Popen(server + ["node", os.path.join(HERE, "node", "worker-host.mjs"),
                                   os.path.join(dist, "plugins", "hello.js"), str(ports["node_js"])],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True),
        subprocess.Popen(server + ["node", os.path.join(HERE, "node", "reactor-host.mjs"),
                                   os.path.join(dist, "plugins", "sha256.wasm"), str(ports["node_sha"])],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True),
    ]
    try:
        for p in procs:
            wait_for_line(p, "serving")
        load = {"connections": connections, "pinned": pinned}
        sha = {"connections": 4, "script": post, "pinned": pinned}
        pairs = [
            ("java hello", f"http://127.0.0.1:{ports['valor']}/hello", "bare Jetty 12 servlet",
             f"http://127.0.0.1:{ports['jetty']}/", 0.90, load),
            ("wasm reactor hello", f"http://127.0.0.1:{ports['valor']}/hello_wasm", "Node 20 (V8), same .wasm",
             f"http://127.0.0.1:{ports['node_wasm']}/", 1.2, load),
            ("js worker hello", f"http://127.0.0.1:{ports['valor']}/hello_js", "Node 20 (V8), same .js",
             f"http://127.0.0.1:{ports['node_js']}/", 1.0, load),
            ("sha-256 of 1 MiB, -c4", f"http://127.0.0.1:{ports['valor']}/sha256", "Node 20 (V8), same .wasm",
             f"http://127.0.0.1:{ports['node_sha']}/", 0.5, sha),
        ]
        for name, v, _, p, _, opts in pairs:  # warm-up: JIT, pools
            # GraalJS compiling on the one pinned core (bin/valor on JDK 25) takes longest to settle
            wrk(v, warmup if name.startswith("js") else 3, **opts)
            wrk(p, 3, **opts)
        results = {name: ([], []) for name, *_ in pairs}
        for r in range(rounds):
            for name, v, _, p, _, opts in pairs:
                # alternate which side goes first, so a drift in the machine does not favour one
                first, second = (v, p) if r % 2 == 0 else (p, v)
                a = wrk(first, seconds, **opts)
                b = wrk(second, seconds, **opts)
                results[name][0].append(a if first == v else b)
                results[name][1].append(b if first == v else a)
        rows = []
        for name, _, peer, _, target, _ in pairs:
            mv = [statistics.median(x[i] for x in results[name][0]) for i in range(3)]
            mp = [statistics.median(x[i] for x in results[name][1]) for i in range(3)]
            rows.append((name, peer, mv, mp, target))
        return rows
    finally:
        stop(procs, work)

def java_version():
    """The JDK bin/valor runs on: what the figures depend on."""
    out = subprocess.run([java_command(), "-version"], capture_output=True, text=True).stderr.splitlines()
    return out[0] if out else "java ?"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a few minutes: fewer rounds, shorter runs, 200 plugins")
    ap.add_argument("--plugins", type=int, help="how many plugins for the many-plugins scenario")
    ap.add_argument("--regime", choices=("both", "unpinned", "pinned"), default="both",
                    help="throughput unpinned (as users run servers), pinned, or both (the default)")
    ap.add_argument("--throughput-only", action="store_true", help="the throughput pairs alone")
    ap.add_argument("--js-warmup", type=int, help="seconds of load on the JavaScript hello before its rounds "
                    "(default 20, 10 quick; GraalJS on JDK 25 settles after about 150)")
    a = ap.parse_args()
    rounds, seconds, plugins = (2, 3, 200) if a.quick else (5, 10, 1000)
    plugins = a.plugins or plugins
    ensure_wrk()
    build()
    same_jdk_as_valor()
    began = time.time()
    regimes = ["unpinned", "pinned"] if a.regime == "both" else [a.regime]
    js_warmup = a.js_warmup or (10 if a.quick else 20)
    tables = {r: throughput(rounds, seconds, 32, js_warmup, r == "pinned") for r in regimes}
    if not a.throughput_only:
        spreads = {r: many.measure(plugins, seconds, rounds=rounds, pinned=r == "pinned") for r in regimes}
        m = spreads[regimes[0]]
        cold, _ = startup.measure(3 if a.quick else 7)
        hot = hotdeploy.measure(5 if a.quick else 10, 10 if a.quick else 20)

    print(f"\nValor and its peers: {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {java_version()}, "
          f"{'quick' if a.quick else 'full'} run ({rounds} rounds of {seconds} s, wrk -t1 -c32, medians; "
          f"JavaScript after {js_warmup} s of warm-up), "
          f"{time.time() - began:.0f} s in all")
    print(f"{'scenario':<22} {'regime':<9} {'Valor req/s':>11} {'p99 ms':>7} {'peer':<28} {'peer req/s':>10} "
          f"{'p99 ms':>7} {'ratio':>6} {'target':>7}")
    for regime, rows in tables.items():
        for name, peer, mv, mp, target in rows:
            print(f"{name:<22} {regime:<9} {mv[0]:>11.0f} {mv[1]:>7.2f} {peer:<28} {mp[0]:>10.0f} {mp[1]:>7.2f} "
                  f"{mv[0] / mp[0]:>5.2f}x {'≥' + format(target, '.2f') + 'x':>7}")
    if a.throughput_only:
        return
    for regime, r in spreads.items():
        one, spread = r["one"], r["spread"]
        print(f"{f'{plugins} plugins, spread':<22} {regime:<9} {spread[0]:>11.0f} {spread[2]:>7.2f} {'1 plugin deployed':<28} "
              f"{one[0]:>10.0f} {one[2]:>7.2f} {spread[1] / one[1]:>5.2f}x {'p50≤1.10x':>7}  (p50 {spread[1]:.2f} vs {one[1]:.2f} ms)")
    print(f"memory per idle wasm plugin: {m['rss_kb']:.0f} KB RSS, {m['heap_kb']:.0f} KB heap (target ≤ 2 MB)")
    print(f"start -> ready (/_health/ready 200) with the examples: median {statistics.median(cold):.0f} ms "
          f"(issue 18's target ≤ 1,500 ms); "
          f"start -> ready with {plugins + 1} plugins in deploy/: {m['full_start_s']:.2f} s (target ≤ 10 s for 1,000)")
    print(f"hot deploy -> first 200: median {statistics.median(hot['deploys']):.0f} ms (target ≤ 250); "
          f"hot swap -> new answer: median {statistics.median(hot['swaps']):.0f} ms (target ≤ 150); "
          f"{len(hot['bad'])} failed of {hot['answered']} requests during {hot['swap_count']} swaps under load")

if __name__ == "__main__":
    main()
