#!/bin/sh
# Renders an xsig bench chart (SVG) to PNG in headless Chromium, at the SVG's own size.
# Usage: scripts/chart-png.sh benchmarks/results/bench.svg [out.png]   (default: the .svg's name with .png)
# Needs chromium (Debian: apt-get install chromium).
set -eu
svg=$1
png=${2:-${svg%.svg}.png}
size=$(sed -n 's/.*<svg [^>]*width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1 \2/p' "$svg" | head -1)
[ -n "$size" ] || { echo "chart-png.sh: no width/height in $svg" >&2; exit 2; }
width=$(echo "$size" | awk '{ printf "%d", $1 + 0.999 }')
height=$(echo "$size" | awk '{ printf "%d", $2 + 0.999 }')
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A page with no margin holding the SVG, so that the screenshot is exactly the chart.
cat > "$dir/chart.html" <<HTML
<!doctype html><html><body style="margin:0"><img src="file://$(cd "$(dirname "$svg")" && pwd)/$(basename "$svg")" width="$width" height="$height"></body></html>
HTML
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
    --window-size="$width,$height" --screenshot="$dir/chart.png" "file://$dir/chart.html" >/dev/null 2>&1
mv "$dir/chart.png" "$png"
echo "$png (${width}x${height})"
