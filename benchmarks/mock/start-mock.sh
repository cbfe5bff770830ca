# Sourced by run.sh and soak.sh: start_mock XSIG TMPDIR ARGS... starts `xsig mock` on
# 127.0.0.1:0 in the background and sets mock_pid, PORT and URL from its ready line.
start_mock() {
    local xsig=$1 dir=$2
    shift 2
    "$xsig" mock --listen 127.0.0.1:0 "$@" > "$dir/mock.out" 2> "$dir/mock.err" &
    mock_pid=$!
    for _ in $(seq 1 300); do
        if grep -q "listening on" "$dir/mock.out" 2>/dev/null; then break; fi
        kill -0 "$mock_pid" 2>/dev/null || { cat "$dir/mock.err" >&2; return 1; }
        sleep 0.1
    done
    URL=$(sed -n 's/^xsig mock: listening on //p' "$dir/mock.out")
    [[ -n "$URL" ]] || { echo "no ready line from xsig mock" >&2; return 1; }
    PORT=${URL##*:}
}
