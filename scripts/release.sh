#!/usr/bin/env bash
# Builds the release tarball xsig-<version>-linux-<arch>.tar.gz:
#
#   xsig-<version>-linux-<arch>/
#     bin/xsig                                   release build, Swift runtime linked statically
#     share/man/man1/xsig.1                      swift-argument-parser's generate-manual plugin
#     share/bash-completion/completions/xsig     xsig --generate-completion-script bash
#     share/zsh/site-functions/_xsig             ... zsh
#     share/fish/vendor_completions.d/xsig.fish  ... fish
#     LICENSE, README.md
#
# The binary needs only libgmp and libcrypto at run time (scripts/check-release.sh checks it).
#
# usage: scripts/release.sh [OUTDIR]     (default dist/; the build goes to .build-release/,
#                                         XSIG_RELEASE_SCRATCH overrides)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "release: $*" >&2; exit 1; }

outdir=${1:-dist}
scratch=${XSIG_RELEASE_SCRATCH:-.build-release}

# The commit goes into the binary (xsig --version) as a C define of CXSigBuildInfo; a tree with
# uncommitted changes to tracked files is marked -dirty rather than passed off as the commit.
commit=$(git rev-parse HEAD 2>/dev/null) || fail "not a git checkout: the commit for xsig --version is unknown"
git diff --quiet HEAD -- || commit="$commit-dirty"
commit_time=$(git log -1 --format=%ct HEAD)
commit_date=$(git log -1 --format=%cs HEAD)

# One release build serves both the binary and the man page: the generate-manual plugin builds
# every product in release with the flags given to `swift package` (-Xswiftc -static-stdlib is
# what --static-swift-stdlib passes), then runs generate-manual on the xsig it built.
# -no-pie: a position-dependent executable has no relative relocations for the loader to apply
# (about 70,000 here), so start-up neither spends time on them nor dirties the pages they are on
# (docs/startup.md).
# --no-export-dynamic: the executable's dynamic symbol table keeps only what it imports (about
# 550 entries instead of 14,600), so the loader's lookups and the runtime's dladdr scan less.
# --disable-local-rpath: no RUNPATH $ORIGIN, so an installed bin/xsig never loads a library
# dropped beside it (and the loader stops probing that directory for each library).
flags=(--disable-local-rpath -Xswiftc -static-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie
       -Xlinker --no-export-dynamic -Xcc "-DXSIG_GIT_COMMIT=\"$commit\"")
echo "release: building $commit in release with the Swift runtime linked statically ($scratch)" >&2
swift package --scratch-path "$scratch" "${flags[@]}" plugin generate-manual \
    --date "$commit_date" --authors "the xsig authors" >&2
bin="$scratch/release/xsig"
man="$scratch/plugins/GenerateManual/outputs/xsig/xsig.1"
[[ -x "$bin" ]] || fail "$bin was not built"
[[ -s "$man" ]] || fail "the generate-manual plugin wrote no $man"

# The flags must have reached the build: the binary names the commit and loads no Swift library.
built_commit=$("$bin" --version | sed -n 's/^commit: //p')
[[ "$built_commit" == "$commit" ]] || fail "$bin says commit '$built_commit', expected $commit"
if ldd "$bin" | grep -E 'libswift|libFoundation|libicu|libdispatch|libBlocksRuntime'; then
    fail "$bin still loads the Swift libraries above"
fi

version=$("$bin" --version | sed -n '1s/^xsig //p')
[[ -n "$version" ]] || fail "$bin --version names no version"
name="xsig-$version-linux-$(uname -m)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
    "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"
install -m 0755 "$bin" "$root/bin/xsig"
strip "$root/bin/xsig"
# generate-manual keeps the help's blank lines, which mdoc warns about ("Empty input line"):
# each becomes the paragraph macro it stands for.
sed 's/^$/.Pp/' "$man" > "$root/share/man/man1/xsig.1"
chmod 0644 "$root/share/man/man1/xsig.1"
"$bin" --generate-completion-script bash > "$root/share/bash-completion/completions/xsig"
"$bin" --generate-completion-script zsh > "$root/share/zsh/site-functions/_xsig"
"$bin" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/xsig.fish"
install -m 0644 LICENSE README.md "$root/"

# Byte-for-byte repeatable from the same commit: sorted names, fixed owner and times, no gzip name.
mkdir -p "$outdir"
tarball="$outdir/$name.tar.gz"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$commit_time" -cf - "$name" \
    | gzip -9 -n > "$tarball"
echo "release: $tarball ($(du -k "$tarball" | cut -f1) KiB)" >&2
echo "$tarball"
