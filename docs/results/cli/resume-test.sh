#!/usr/bin/env bash
# The resume test of issue #18 by hand, on the built bin: one run killed with kill -9 at three random moments
# and resumed each time with `diffusion train --resume`, one interrupted once with SIGINT (Ctrl-C) and resumed,
# and the same run uninterrupted; then every file compared byte for byte.
# Usage: bash docs/results/cli/resume-test.sh <work dir with moons.csv>   (from the repository root, after pnpm build)
set -uo pipefail
bin="$(pwd)/packages/cli/dist/bin.js"
cd "$1"
train=(train --data moons.csv --columns x,y --steps 6000 --batch 256 --checkpoint-every 250 --keep-checkpoints 30 --backbone 'mlp{"hiddenWidths":[64,64,64]}' --quiet)
rm -rf straight killed interrupted
t0=$(date +%s.%N)
nice -n 10 node "$bin" "${train[@]}" --out straight; echo "straight: exit $?, $(echo "$(date +%s.%N) - $t0" | bc) s"

# kill -9 at three random moments, each a random delay after that launch (startup takes ~3-5 s)
args=("${train[@]}" --out killed)
for round in 1 2 3; do
  delay=$(shuf -i 5000-15000 -n 1 | awk '{ printf "%.3f", $1 / 1000 }')  # seconds, uniform in [5, 15], ms resolution
  nice -n 10 node "$bin" "${args[@]}" & pid=$!
  sleep "$delay"
  if ! kill -9 "$pid" 2>/dev/null; then wait "$pid"; echo "the run ended before kill -9 #$round (after ${delay} s): not a kill; the test needs more steps"; exit 1; fi
  wait "$pid"; code=$?
  echo "kill -9 #$round after ${delay} s: exit $code; checkpoints now: $(ls killed/checkpoints | grep -c safetensors), newest $(ls killed/checkpoints | grep safetensors | tail -1), loss.csv lines $(wc -l < killed/loss.csv 2>/dev/null || echo none); temporary files: $(find killed -name '*.tmp*' | wc -l)"
  args=(train --resume killed --quiet)
done
nice -n 10 node "$bin" "${args[@]}"; echo "killed: final resume exit $?"

# SIGINT in the middle, then resume
nice -n 10 node "$bin" "${train[@]}" --out interrupted --quiet & pid=$!
delay=$(shuf -i 5000-15000 -n 1 | awk '{ printf "%.3f", $1 / 1000 }'); sleep "$delay"; kill -INT "$pid"; wait "$pid"; code=$?
echo "SIGINT after ${delay} s: exit $code; newest checkpoint $(ls interrupted/checkpoints | grep safetensors | tail -1)"
nice -n 10 node "$bin" train --resume interrupted --quiet; echo "interrupted: resume exit $?"

for run in killed interrupted; do
  echo "== straight vs $run"
  cmp straight/model.safetensors "$run/model.safetensors" && echo "model.safetensors: identical ($(stat -c %s straight/model.safetensors) bytes, sha256 $(sha256sum < straight/model.safetensors | cut -c1-16))"
  cmp straight/loss.csv "$run/loss.csv" && echo "loss.csv: identical ($(wc -l < straight/loss.csv) lines)"
  same=0; differ=0
  for file in straight/checkpoints/step-*.safetensors; do
    name=$(basename "$file")
    if [ -e "$run/checkpoints/$name" ]; then
      if cmp -s "$file" "$run/checkpoints/$name"; then same=$((same + 1)); else differ=$((differ + 1)); echo "DIFFERS: $name"; fi
    fi
  done
  echo "checkpoints present in both: $same identical, $differ different; only in $run: $(comm -13 <(ls straight/checkpoints) <(ls "$run/checkpoints") | tr '\n' ' ')"
done
