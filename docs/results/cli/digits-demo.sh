#!/usr/bin/env bash
# The image-folder demonstration of issue #18 on the built bin: MNIST digits 0, 1 and 7 of the `mnist` package
# written as 28x28 grey PNG files (300 per class for training, every test-split digit of those classes held out),
# a small U-Net trained 450 steps, a PNG grid sampled, the held-out folder evaluated.
# Usage (from the repository root, after pnpm build): bash docs/results/cli/digits-demo.sh <work dir>   (~12 min on 2 loaded cores)
set -euo pipefail
bin="$(pwd)/packages/cli/dist/bin.js"
node docs/results/cli/write-digit-pngs.mjs "$1/digits" 300 0,1,7
cd "$1"
step() { echo "\$ diffusion ${*}"; /usr/bin/time -f "  [wall %e s]" nice -n 10 node "$bin" "$@" 2>&1 | tr '\r' '\n' | awk '!/^ step/ || NR % 25 == 1' || true; }
rm -rf digits-run
step train --data digits/train --out digits-run --steps 450 --batch 32 --learning-rate 1e-3 --ema-decay 0.995 --checkpoint-every 150 --backbone 'unet{"baseChannels":16,"channelMultipliers":[1,2],"attentionResolutions":[7],"groups":8}'
step sample --model digits-run --sampler dpmpp-2m --steps 25 --num 64 --out digits-samples.png
step sample --model digits-run --sampler ddpm --steps 100 --num 64 --out digits-ddpm.png
step evaluate --model digits-run --data digits/held-out --steps 25 --num 300 --nll-count 100

# The same U-Net with the v parameterisation, 600 steps (cleaner digits at this budget, as pnpm compare's MNIST eps/x0/v run found)
rm -rf digits-v-run
step train --data digits/train --out digits-v-run --parameterisation v --steps 600 --batch 32 --learning-rate 1e-3 --ema-decay 0.995 --checkpoint-every 150 --backbone 'unet{"baseChannels":16,"channelMultipliers":[1,2],"attentionResolutions":[7],"groups":8}'
step sample --model digits-v-run --sampler dpmpp-2m --steps 25 --num 64 --out digits-v-samples.png
step evaluate --model digits-v-run --data digits/held-out --steps 25 --num 300 --nll-count 100 --out digits-v-evaluation.json
