"""What the benchmark scripts share: ports, CPU pinning, wrk, a private copy of the distribution."""
import os, re, shutil, socket, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DIST = os.path.join(HERE, "..", "valor.distribution", "target", "valor")
# the bare Jetty 12 servlet the Java hello is held against (mvn -Pbench -pl bench/peers/jetty package)
PEER = os.path.join(HERE, "peers", "jetty", "target", "jetty-peer.jar")
# bin/valor's own JVM flags, given to the Jetty peer too ("same JVM flags")
VALOR_FLAGS = ["-Xss4m", "-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19"]

def java_command():
    """The java bin/valor runs (JAVA_HOME's, else the one on the PATH), for the peers too."""
    return os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"

def same_jdk_as_valor():
    """Sets JAVA_HOME to the JDK bin/valor picks when none is set (it says which on stderr), so the
    peers run on the JDK Valor runs on."""
    if os.environ.get("JAVA_HOME") or not os.path.exists(os.path.join(DIST, "bin", "valor")):
        return
    err = subprocess.run([os.path.join(DIST, "bin", "valor"), "--help"], capture_output=True, text=True).stderr
    m = re.match(r"bin/valor: on JDK \d+ \(([^)]+)\)", err)
    if m:
        os.environ["JAVA_HOME"] = m.group(1)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def pin(cpu):
    """taskset prefix putting a process on one core, so server and load generator do not share."""
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() > 1 else []

def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

def wrk(url, seconds, connections, threads=1, script=None, pinned=True):
    """(requests/s, p99 ms, non-2xx count) of one wrk run, wrk pinned to core 1 unless not pinned."""
    cmd = (pin(1) if pinned else []) + ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)], int(bad.group(1)) if bad else 0

def post_script(folder, kib):
    """A wrk script that POSTs kib KiB of "a" (the body bench/cpu.py and bench/run.py hash); its path."""
    path = os.path.join(folder, f"post-{kib}k.lua")
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = string.rep("a", %d)\n' % (kib * 1024))
    return path

def private_dist(source=DIST, access_log=True):
    """A copy of the built distribution in a temporary folder (its own var/ and deploy/): (work, dist)."""
    work = tempfile.mkdtemp(prefix="valor-bench-")
    dist = os.path.join(work, "valor")
    shutil.copytree(os.path.abspath(source), dist, ignore=shutil.ignore_patterns("var"))
    if not access_log:  # the access log is not what a throughput run measures
        with open(os.path.join(dist, "conf", "logging.properties"), "a") as f:
            f.write("\norg.slf4j.simpleLogger.log.valor.access=warn\n")
    return work, dist

def wait_for_line(proc, text):
    """Reads the process's stdout until a line contains text."""
    while text not in proc.stdout.readline():
        if proc.poll() is not None:
            sys.exit(f"{proc.args} did not start")

def stop(procs, work=None, timeout=10):
    """SIGTERM each process (a runtime stops cleanly on it) and remove the private folder."""
    import signal
    for p in procs:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout)
    if work:
        shutil.rmtree(work, ignore_errors=True)
