#!/usr/bin/env bash
# The 2-D CSV demonstration of issue #18 on the built bin: two moons written by write-moons-csv.py, trained,
# sampled (CSV + SVG scatter) and evaluated on held-out rows. Usage (from the repository root, after pnpm build):
#   bash docs/results/cli/points-demo.sh <work dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(pwd)/packages/cli/dist/bin.js"
mkdir -p "$1" && cd "$1"
step() { echo "\$ diffusion ${*}"; /usr/bin/time -f "  [wall %e s]" nice -n 10 node "$bin" "$@" 2>&1 | tr '\r' '\n' | grep -v '^ step' || true; }
/usr/bin/python3 "$here/write-moons-csv.py" moons.csv 4000 0
/usr/bin/python3 "$here/write-moons-csv.py" moons-held-out.csv 1000 1
rm -rf moons-run
step train --data moons.csv --columns x,y --label-column moon --out moons-run --steps 5000 --checkpoint-every 500 --backbone 'mlp{"hiddenWidths":[128,128,128]}'
step sample --model moons-run --sampler dpmpp-2m --steps 25 --num 2000 --out moons-samples.csv
step evaluate --model moons-run --data moons-held-out.csv --steps 25
