#!/bin/sh
# The soak run (see bench/soak.py): mixed load with swaps, breaks, fixes and two SIGKILL restarts.
exec python3 "$(dirname "$0")/soak.py" "$@"
