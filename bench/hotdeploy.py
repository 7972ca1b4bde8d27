#!/usr/bin/env python3
"""Hot deploy and hot swap through the deploy folder of the built distribution.

Measures, on a private copy of the distribution:
  deploy  file moved into deploy/ -> first 200 from it (median of --runs)
  swap    file replaced           -> first answer from the new version (median of --runs)
  load    --clients threads calling the plugin as fast as they can while it is swapped --swaps
          times; counts answers that are not 200 from the old or the new version (target 0)

The two "versions" are the distribution's example jars under one name with a sidecar:
hello.jar answers "OK response from a plugin", with_state.jar "Swap says hello me!".

Usage: bench/hotdeploy.py [--runs 10] [--swaps 20] [--clients 4] [--dist DIR]
"""
import argparse, http.client, os, shutil, signal, statistics, subprocess, threading, time
from benchlib import DIST, free_port, private_dist, stop

HELLO = "OK response from a plugin"
STATE = "Swap says hello me!"

class Client:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path):
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                return r.status, r.read().decode()
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt:
                    raise

def place(src, deploy, name):
    """Copy under a name the folder ignores, then rename: what a careful deploy does."""
    tmp = os.path.join(deploy, "." + name + ".part")
    shutil.copyfile(src, tmp)
    os.replace(tmp, os.path.join(deploy, name))

def wait_for(client, path, body, limit=30):
    start = time.perf_counter()
    while True:
        status, text = client.get(path)
        if status == 200 and text == body:
            return (time.perf_counter() - start) * 1000
        if time.perf_counter() - start > limit:
            raise SystemExit(f"{path} never answered {body!r} (last {status} {text!r})")
        time.sleep(0.001)

def measure(runs=10, swaps=20, clients=4, source=DIST):
    """Deploy and swap times (ms), and what clients saw during swaps under load."""
    work, dist = private_dist(source)
    deploy = os.path.join(dist, "deploy")
    hello, state = os.path.join(dist, "plugins", "hello.jar"), os.path.join(dist, "plugins", "with_state.jar")
    port = free_port()
    proc = subprocess.Popen([os.path.join(dist, "bin", "valor"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=open(os.environ.get("VALOR_BENCH_LOG", os.devnull), "w"), stdin=subprocess.DEVNULL, text=True)
    try:
        while "serving" not in proc.stdout.readline():
            if proc.poll() is not None:
                raise SystemExit("valor did not start")
        client = Client(port)

        deploys = []
        for i in range(runs):
            name = f"d{i}"
            with open(os.path.join(deploy, name + ".json"), "w") as f:
                f.write('{"name": "%s"}' % name)  # hello.jar names itself "hello" otherwise
            start = time.perf_counter()
            place(hello, deploy, name + ".jar")
            wait_for(client, "/" + name, HELLO)
            deploys.append((time.perf_counter() - start) * 1000)

        with open(os.path.join(deploy, "swap.json"), "w") as f:
            f.write('{"name": "swap", "config": "Swap"}')
        place(hello, deploy, "swap.jar")
        wait_for(client, "/swap?who=me", HELLO)
        swap_times = []
        for i in range(runs):
            to_state = i % 2 == 0
            start = time.perf_counter()
            place(state if to_state else hello, deploy, "swap.jar")
            wait_for(client, "/swap?who=me", STATE if to_state else HELLO)
            swap_times.append((time.perf_counter() - start) * 1000)

        running, bad, answered = True, [], [0]
        lock = threading.Lock()
        def hammer():
            c = Client(port)
            while running:
                status, text = c.get("/swap?who=me")
                with lock:
                    answered[0] += 1
                    if status != 200 or text not in (HELLO, STATE):
                        bad.append((status, text))
        threads = [threading.Thread(target=hammer) for _ in range(clients)]
        for t in threads:
            t.start()
        load_start = time.perf_counter()
        for i in range(swaps):
            to_state = i % 2 == 0
            place(state if to_state else hello, deploy, "swap.jar")
            wait_for(client, "/swap?who=me", STATE if to_state else HELLO)
        running = False
        for t in threads:
            t.join()
        seconds = time.perf_counter() - load_start

        return {"deploys": sorted(deploys), "swaps": sorted(swap_times), "answered": answered[0], "seconds": seconds,
                "bad": bad, "clients": clients, "swap_count": swaps}
    finally:
        stop((proc,), work)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--swaps", type=int, default=20)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--dist", default=DIST)
    a = ap.parse_args()
    r = measure(a.runs, a.swaps, a.clients, a.dist)
    print("hot deploy -> first 200: runs " + ", ".join(f"{d:.0f}" for d in r["deploys"])
          + f" ms; median {statistics.median(r['deploys']):.0f} ms")
    print("hot swap -> new answer:  runs " + ", ".join(f"{d:.0f}" for d in r["swaps"])
          + f" ms; median {statistics.median(r['swaps']):.0f} ms")
    print(f"swap under load: {r['answered']} requests from {a.clients} clients in {r['seconds']:.1f} s "
          f"({r['answered'] / r['seconds']:.0f} req/s) across {a.swaps} swaps; not 200 or wrong body: {len(r['bad'])}"
          + (f" e.g. {r['bad'][:3]}" if r["bad"] else ""))

if __name__ == "__main__":
    main()
