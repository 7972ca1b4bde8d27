#!/bin/sh
# Valor side by side with its peers: one table. `bench/run.sh --quick` for a look in a few minutes.
# Needs wrk and taskset (bench/benchlib.py installs wrk as root), Node 20 and a JDK 17.
exec python3 "$(dirname "$0")/run.py" "$@"
