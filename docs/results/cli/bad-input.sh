#!/usr/bin/env bash
# Bad input to the built `diffusion` bin (issue #18): each case's message and exit code.
# Usage (from the repository root, after pnpm build): bash docs/results/cli/bad-input.sh <work dir with moons.csv and bad/>
set -uo pipefail
bin="$(pwd)/packages/cli/dist/bin.js"
cd "$1"
try() { echo "\$ diffusion ${*}"; node "$bin" "$@" > out.txt 2>&1; code=$?; tr '\r' '\n' < out.txt | grep -v '^ step' | sed 's/^/  /'; echo "  -> exit $code"; echo; }
rm -rf bad/run-*
try train --data bad/missing.csv --out bad/run-missing
try train --data bad/empty.csv --out bad/run-empty
try train --data bad/nonnumeric.csv --out bad/run-nonnumeric
try train --data bad/ragged.csv --out bad/run-ragged
try train --data bad/sizes --out bad/run-sizes --steps 2
try train --data bad/undecodable --out bad/run-undecodable --steps 2
try train --resume bad/notrun
try train --resume bad/does-not-exist

# A small finished run with checkpoints at steps 100 and 200, then its run.json edited, then its newest checkpoint damaged.
node "$bin" train --data moons.csv --columns x,y --out bad/run-crc --steps 200 --checkpoint-every 100 --quiet --backbone 'mlp{"hiddenWidths":[32,32]}' > /dev/null 2>&1
cp bad/run-crc/checkpoints/step-00000200.safetensors bad/step-200-original.safetensors
cp bad/run-crc/model.safetensors bad/model-original.safetensors
cp bad/run-crc/run.json bad/run.json.original
sed -i 's/"learningRate": 0.002/"learningRate": 0.003/' bad/run-crc/run.json
try train --resume bad/run-crc
cp bad/run.json.original bad/run-crc/run.json
# flip one byte in the middle of the step-200 checkpoint (inside the tensor data)
size=$(stat -c %s bad/run-crc/checkpoints/step-00000200.safetensors); at=$((size / 2))
printf "$(printf '\\%03o' $(( ($(od -An -tu1 -j $at -N1 bad/run-crc/checkpoints/step-00000200.safetensors) + 1) % 256 )))" | dd of=bad/run-crc/checkpoints/step-00000200.safetensors bs=1 seek=$at conv=notrunc status=none
echo "(flipped byte $at of $size in step-00000200.safetensors; removed model.safetensors so the run is unfinished)"; rm bad/run-crc/model.safetensors
try train --resume bad/run-crc
try train --resume bad/run-crc --from-checkpoint
ls bad/run-crc/checkpoints | sed 's/^/  /'
cmp bad/step-200-original.safetensors bad/run-crc/checkpoints/step-00000200.safetensors && echo "  re-trained step-00000200.safetensors: byte-identical to the original before the damage"
cmp bad/model-original.safetensors bad/run-crc/model.safetensors && echo "  model.safetensors: byte-identical to the original"
try sample --model bad/notrun --out bad/x.csv
try evaluate --model bad/run-crc --data bad/ragged.csv
