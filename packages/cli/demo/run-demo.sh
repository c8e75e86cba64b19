#!/usr/bin/env bash
# The issue's demonstration: a 2-D CSV and a folder of MNIST PNGs, each trained, sampled and
# evaluated from the command line. Usage: bash packages/cli/demo/run-demo.sh [work dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../dist/bin.js"
work="${1:-/tmp/diffusion-cli-demo}"
mkdir -p "$work" && cd "$work"
step() { echo; echo "## $*"; uptime; /usr/bin/time -f "wall %e s (user %U s)" "$@"; }

/usr/bin/python3 "$here/write-rings-csv.py" rings.csv 5000 0
/usr/bin/python3 "$here/write-rings-csv.py" rings-held-out.csv 2000 1
(cd "$here/.." && node demo/write-mnist-pngs.mjs "$work/digits" 3000 500)
rm -rf rings-run digits-run
step node "$bin" train --data rings.csv --columns lon,lat --out rings-run --steps 3000 --checkpoint-every 500 --backbone 'mlp{"hiddenWidths":[128,128,128]}'
step node "$bin" sample --model rings-run --sampler dpmpp-2m --steps 25 --num 2000 --out rings-samples.csv
step node "$bin" evaluate --model rings-run --data rings-held-out.csv --steps 25
step node "$bin" train --data digits/train --out digits-run --steps 600 --batch 32 --learning-rate 1e-3 --checkpoint-every 100 --backbone 'unet{"baseChannels":16,"channelMultipliers":[1,2],"attentionResolutions":[7],"groups":8}'
step node "$bin" sample --model digits-run --sampler dpmpp-2m --steps 25 --num 64 --out digits-samples.png
step node "$bin" evaluate --model digits-run --data digits/held-out --steps 25 --num 500
