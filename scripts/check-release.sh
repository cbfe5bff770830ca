#!/usr/bin/env bash
# Checks a tarball from scripts/release.sh as a user without Swift would meet it: the layout, a
# binary that needs no Swift library and runs with an empty environment (env -i), a signature that
# OpenSSL decrypts, the man page and the completion scripts.
#
# usage: scripts/check-release.sh TARBALL
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-release: $*" >&2; exit 1; }

tarball=${1:?usage: scripts/check-release.sh TARBALL}
name=$(basename "$tarball" .tar.gz)
[[ "$name" =~ ^xsig-[0-9]+\.[0-9]+\.[0-9]+-linux-[a-z0-9_]+$ ]] || fail "$tarball: not named xsig-<version>-linux-<arch>.tar.gz"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tar -C "$dir" -xzf "$tarball"
root="$dir/$name"
for file in bin/xsig share/man/man1/xsig.1 share/bash-completion/completions/xsig \
    share/zsh/site-functions/_xsig share/fish/vendor_completions.d/xsig.fish LICENSE README.md; do
    [[ -s "$root/$file" ]] || fail "$tarball has no $file"
done
xsig="$root/bin/xsig"

# Only the system's libgmp and libcrypto (and libc's family): no Swift runtime, Foundation or ICU.
libs=$(ldd "$xsig")
if grep -E 'libswift|libFoundation|libicu|libdispatch|libBlocksRuntime|not found' <<<"$libs"; then
    fail "bin/xsig needs the libraries above"
fi
readelf -d "$xsig" | grep -qE 'RPATH|RUNPATH' && fail "bin/xsig has an RPATH/RUNPATH: it would load libraries from beside itself"
grep -q 'libgmp\.so' <<<"$libs" || fail "bin/xsig does not link libgmp"
grep -q 'libcrypto\.so' <<<"$libs" || fail "bin/xsig does not link libcrypto"

# An empty environment: no PATH, no HOME, no LD_LIBRARY_PATH pointing at a toolchain.
version=$(env -i "$xsig" --version) || fail "env -i bin/xsig --version failed"
echo "$version"
commit=$(git rev-parse HEAD)
grep -qx "commit: $commit\(-dirty\)\?" <<<"$version" || fail "bin/xsig --version does not name commit $commit"
[[ "$name" == "xsig-$(sed -n '1s/^xsig //p' <<<"$version")-linux-$(uname -m)" ]] || fail "$name does not match the version"

# A signature from the tarball's binary decrypts in OpenSSL to the payload.
signature=$(env -i "$xsig" sign --key vectors/keys/demo-rsa-2048.pub.pem --session-token ci-token \
    --timestamp 1628496895102 --padding pkcs1)
payload=$(base64 -d <<<"$signature" | openssl pkeyutl -decrypt -inkey vectors/keys/demo-rsa-2048.pem)
[[ "$payload" == "session_token=ci-token&timestamp=1628496895102&nonce=17b29fa9c7e" ]] \
    || fail "OpenSSL decrypts the tarball's signature to '$payload'"

# The man page covers the subcommands; the completion scripts parse and know them.
grep -q '^\.Dt XSIG 1' "$root/share/man/man1/xsig.1" || fail "xsig.1 is not a section-1 mdoc page"
for command in sign batch verify mock vectors; do
    grep -q "$command" "$root/share/man/man1/xsig.1" || fail "xsig.1 does not mention $command"
done
# groff's mdoc package renders it without a warning of its own (e.g. "Empty input line").
if command -v groff >/dev/null; then
    mdoc=$(groff -mandoc -Tutf8 "$root/share/man/man1/xsig.1" 2>&1 >/dev/null | grep 'mdoc warning' || true)
    [[ -z "$mdoc" ]] || fail "xsig.1 renders with mdoc warnings: $(head -n 3 <<<"$mdoc")"
fi
bash -n "$root/share/bash-completion/completions/xsig" || fail "the bash completion does not parse"
grep -q -- '--session-token' "$root/share/zsh/site-functions/_xsig" || fail "the zsh completion lacks sign's options"
grep -q -- 'session-token' "$root/share/fish/vendor_completions.d/xsig.fish" || fail "the fish completion lacks sign's options"
echo "check-release: $tarball ($(du -k "$tarball" | cut -f1) KiB): layout, env -i, ldd, OpenSSL round trip, man page, completions ok"
