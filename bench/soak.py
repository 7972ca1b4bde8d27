#!/usr/bin/env python3
"""Soak: mixed load on the example plugins for a while, with faults on purpose.

On a private copy of the distribution started with examples/plugins.json plus a deploy folder of
its own, clients call every example plugin (Java, wasm, WAGI, JS) for --seconds, while the script
swaps a plugin back and forth, breaks it (a corrupt file) and fixes it, and twice kills the runtime
with SIGKILL and starts it again. It reports requests served, answers that were not 2xx outside the
intentional faults (target 0), the plugin set after each restart against what the deploy folder
and plugins file define, and the runtime's RSS over time.

Usage: bench/soak.py [--seconds 120] [--clients 4]      (bench/soak.sh is the same)
"""
import argparse, http.client, json, os, shutil, signal, subprocess, threading, time
from benchlib import DIST, free_port, private_dist

PATHS = ["/hello", "/hello_alice?who=Soak", "/hello_wasm", "/alice_wasm?who=Soak", "/hello_as", "/wagi",
         "/hello_js", "/alice_js?who=Soak", "/handler_js/x", "/swap?who=Soak"]
TOKEN = "soak-token"

def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return 0
    return 0

class Runtime:
    def __init__(self, dist, port):
        self.dist, self.port, self.proc = dist, port, None

    def start(self):
        env = dict(os.environ, VALOR_REGISTRY_TOKEN=TOKEN)
        self.proc = subprocess.Popen([os.path.join(self.dist, "bin", "valor"), "-w", "-p",
                                      os.path.join(self.dist, "examples", "plugins.json"), "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                     text=True, env=env)
        while "serving" not in self.proc.stdout.readline():
            if self.proc.poll() is not None:
                raise SystemExit("valor did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)

    def plugins(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request("GET", "/_plugins", headers={"Authorization": "Bearer " + TOKEN})
        return sorted(p["name"] for p in json.loads(c.getresponse().read())["plugins"])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--dist", default=DIST)
    a = ap.parse_args()
    work, dist = private_dist(a.dist, access_log=False)
    deploy = os.path.join(dist, "deploy")
    plugins = os.path.join(dist, "plugins")
    with open(os.path.join(deploy, "swap.json"), "w") as f:
        f.write('{"name": "swap", "config": "Swap", "capabilities": {"kv": ["default"]}}')
    shutil.copy(os.path.join(plugins, "with_state.wasm"), os.path.join(deploy, "swap.wasm"))
    with open(os.path.join(dist, "examples", "plugins.json")) as f:
        expected = sorted([p["name"] for p in json.load(f)["plugins"]] + ["swap", "_health", "_plugins", "_valor"])  # _valor: the browser kit

    rt = Runtime(dist, free_port())
    rt.start()
    counts = {"served": 0, "unexpected": 0, "during_faults": 0}
    failures = {}
    lock = threading.Lock()
    faulting = threading.Event()  # restarts: refused connections are expected then
    running = True
    samples = []

    def client():
        conn = None
        i = 0
        while running:
            path = PATHS[i % len(PATHS)]
            i += 1
            status = "no answer"
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", rt.port, timeout=15)
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                status = r.status
                ok = 200 <= r.status < 300
            except (OSError, http.client.HTTPException):
                conn = None
                ok = False
            with lock:
                if ok:
                    counts["served"] += 1
                elif faulting.is_set():
                    counts["during_faults"] += 1
                else:
                    counts["unexpected"] += 1
                    key = f"{path} {status}"
                    failures[key] = failures.get(key, 0) + 1
            if not ok:
                time.sleep(0.05)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(a.clients)]
    for t in threads:
        t.start()
    start = time.time()
    restarts = []
    phase = 0
    try:
        while time.time() - start < a.seconds:
            elapsed = time.time() - start
            samples.append((round(elapsed), rss_mb(rt.proc.pid)))
            # a swap, a break and a fix, a swap back: faults a serving plugin must survive
            step = phase % 4
            target = os.path.join(deploy, ".swap.part")
            if step == 0:
                shutil.copy(os.path.join(plugins, "hello.wasm"), target)
            elif step == 1:
                with open(target, "wb") as f:
                    f.write(b"\0asm broken")
            else:
                shutil.copy(os.path.join(plugins, "with_state.wasm"), target)
            os.replace(target, os.path.join(deploy, "swap.wasm"))
            phase += 1
            # restart when the folder holds a good file: a broken file at start has no good version to keep
            if step != 1 and len(restarts) < 2 and elapsed > a.seconds * (len(restarts) + 1) / 3:
                faulting.set()
                rt.kill()
                rt.start()
                time.sleep(0.5)
                faulting.clear()
                restarts.append(rt.plugins())
            time.sleep(2)
    finally:
        running = False
        for t in threads:
            t.join(20)
        samples.append((round(time.time() - start), rss_mb(rt.proc.pid)))
        rt.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"soak: {a.seconds} s, {a.clients} clients over {len(PATHS)} plugins, {phase} swap/break/fix steps, "
          f"{len(restarts)} SIGKILL restarts")
    print(f"requests served: {counts['served']}; failed during the restarts (expected): {counts['during_faults']}; "
          f"not 2xx otherwise: {counts['unexpected']} (target 0)" + (f" {failures}" if failures else ""))
    for n, got in enumerate(restarts, 1):
        print(f"plugin set after restart {n}: {'as defined' if got == expected else 'DIFFERS: ' + str(got)}")
    print("RSS MB over time (s: MB): " + ", ".join(f"{s}: {m}" for s, m in samples[:: max(1, len(samples) // 12)]))

if __name__ == "__main__":
    main()
