#!/usr/bin/env bash
# Copies ECharts from the npm registry into the static files (PyPI has no usable copy).
set -euo pipefail
dest=${1:?destination folder}
version=6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v npm >/dev/null || bash "$(dirname "$0")/ensure-debs.sh" npm
(cd "$tmp" && npm pack --silent "echarts@$version" >/dev/null && tar -xzf echarts-*.tgz)
mkdir -p "$dest"
cp "$tmp/package/dist/echarts.min.js" "$tmp/package/LICENSE" "$tmp/package/NOTICE" "$dest"
echo "ECharts $(node -e "console.log(require('$tmp/package/package.json').version)" 2>/dev/null || echo $version) -> $dest"
