#!/usr/bin/env bash
# Runs nginx as a signing proxy in the foreground, as the current user, until killed:
#
#   examples/nginx/run.sh LISTEN SIDECAR UPSTREAM
#   examples/nginx/run.sh 127.0.0.1:8088 http://127.0.0.1:8081 http://127.0.0.1:8080
#
# LISTEN is HOST:PORT on loopback; SIDECAR is the URL of `xsig sidecar` (http); UPSTREAM is
# the server under test (http or https: nginx speaks TLS to it). The template beside this
# script is rendered into a temporary prefix (removed on exit); no root paths, no daemon.
# Prints "nginx: listening on http://LISTEN" on stdout once the port accepts connections.
# Needs nginx with the auth_request module (Debian's nginx, nginx-light, nginx-full).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

usage() { echo "usage: $0 LISTEN SIDECAR UPSTREAM   (e.g. 127.0.0.1:8088 http://127.0.0.1:8081 http://127.0.0.1:8080)" >&2; exit 2; }
[[ $# == 3 ]] || usage
listen=$1 sidecar=$2 upstream=$3

# HOST:PORT on loopback (127.0.0.0/8, [::1], localhost).
[[ "$listen" =~ ^(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\]):[0-9]+$ ]] \
    || { echo "run.sh: LISTEN must be HOST:PORT on loopback (127.0.0.1:8088, [::1]:8088), not '$listen'" >&2; exit 2; }
# scheme://authority with no path.
parse_url() {
    [[ "$1" =~ ^(https?)://([^/?#]+)/?$ ]] || { echo "run.sh: $2 must be a URL such as http://127.0.0.1:8081, not '$1'" >&2; exit 2; }
    scheme=${BASH_REMATCH[1]} authority=${BASH_REMATCH[2]}
}
parse_url "$sidecar" SIDECAR
[[ "$scheme" == http ]] || { echo "run.sh: SIDECAR is xsig sidecar, which speaks http" >&2; exit 2; }
sidecar_authority=$authority
parse_url "$upstream" UPSTREAM
upstream_scheme=$scheme upstream_authority=$authority
[[ "$upstream_authority" == *:* ]] || upstream_authority="$upstream_authority:$([[ $upstream_scheme == https ]] && echo 443 || echo 80)"

nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$nginx" ]] || { echo "run.sh: needs nginx (apt-get install nginx-light)" >&2; exit 2; }

prefix=$(mktemp -d "${TMPDIR:-/tmp}/xsig-nginx.XXXXXX")
user_line=""
# As root, nginx would run its worker as nobody, which cannot use this prefix: keep the current user.
if [[ $(id -u) == 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
tls=""
if [[ $upstream_scheme == https ]]; then tls="proxy_ssl_server_name on; proxy_ssl_name ${upstream_authority%:*};"; fi
sed -e "s|@USER@|$user_line|" -e "s|@PREFIX@|$prefix|g" -e "s|@LISTEN@|$listen|" \
    -e "s|@SIDECAR_AUTHORITY@|$sidecar_authority|" -e "s|@UPSTREAM_AUTHORITY@|$upstream_authority|g" \
    -e "s|@UPSTREAM_SCHEME@|$upstream_scheme|" -e "s|@UPSTREAM_TLS@|$tls|" \
    "$here/nginx.conf.template" > "$prefix/nginx.conf"

pid=""
cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -QUIT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$prefix"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$nginx" -p "$prefix" -c "$prefix/nginx.conf" -e stderr &
pid=$!
host=${listen%:*} port=${listen##*:}
host=${host#[}; host=${host%]}
for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit $?; }
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
        echo "nginx: listening on http://$listen"
        break
    fi
    sleep 0.05
done
wait "$pid"
