# Background servers on loopback for the scripts that drive xsig's servers (.ci/load-e2e.sh,
# benchmarks/live/run.sh). Source it after setting `tmp` (a scratch directory) and defining
# `fail MESSAGE` (how the caller reports a failure and exits).
#   start NAME PATTERN COMMAND...   runs COMMAND in the background (stdout and stderr in
#                                   $tmp/NAME.out and $tmp/NAME.err) and sets `url` from its
#                                   ready line "PATTERN URL" (30 s at most)
#   free_port                       prints a loopback port that is free now
# The EXIT trap stops every server started (TERM, then waits) and removes $tmp.
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
start() {
    local name=$1 pattern=$2
    shift 2
    "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
    pids+=($!)
    for _ in $(seq 1 300); do
        url=$(sed -n "s|^$pattern ||p" "$tmp/$name.out" 2>/dev/null || true)
        [[ -n "$url" ]] && return 0
        kill -0 "${pids[-1]}" 2>/dev/null || fail "$name exited"
        sleep 0.1
    done
    fail "$name printed no ready line"
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
