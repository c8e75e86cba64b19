#!/usr/bin/env bash
# `pnpm compare --resume` after a Ctrl-C (issue #18): a small 2-D comparison on --data, SIGINT at a random moment
# while the second run trains, `pnpm compare --resume`, then the resumed results.json against an unstopped
# comparison with the same config. Usage (from the repository root, after pnpm build):
#   bash docs/results/cli/compare-resume-test.sh <work dir with moons.csv>
set -uo pipefail
repo="$(pwd)"
cli="$repo/apps/compare/dist/cli.js"
cd "$1"
config=(--data moons.csv --columns x,y --parameterisations eps,v --weightings natural --samplers dpmpp-2m,euler --nfe 10,20 --steps 1200 --batch 256 --samples 1000 --checkpoint-every 200 --seed 0 --quiet)
rm -rf cmp-straight cmp-interrupted
t0=$(date +%s.%N)
nice -n 10 node "$cli" "${config[@]}" --out cmp-straight > cmp-straight.log 2>&1; echo "unstopped comparison: exit $?, $(echo "$(date +%s.%N) - $t0" | bc) s"

t0=$(date +%s.%N)
DIFFUSION_COMPARE_STAGES=1 nice -n 10 node "$cli" "${config[@]}" --out cmp-interrupted > cmp-interrupted.log 2>&1 & pid=$!
until grep -q '^stage: training v-natural' cmp-interrupted.log; do sleep 0.2; kill -0 "$pid" 2>/dev/null || break; done
delay=$(( 2 + RANDOM % 12 )); sleep "$delay"; kill -INT "$pid"; wait "$pid"; code=$?
echo "SIGINT ${delay} s into the training of the second run (v-natural): exit $code, $(echo "$(date +%s.%N) - $t0" | bc) s"
grep -v '^stage:' cmp-interrupted.log | tail -3
cp cmp-interrupted/results.json cmp-interrupted-results.json
node -e "const r=require('./cmp-interrupted-results.json'); console.log('interrupted results.json: complete', r.complete, '| interrupted', JSON.stringify(r.interrupted), '| notRun', JSON.stringify(r.notRun), '| runs', r.runs.map((x) => x.id).join(','))"
echo "compare-state/: $(ls cmp-interrupted/compare-state | tr '\n' ' '); v-natural stopped after $(node -e "const l=require('./cmp-interrupted/compare-state/v-natural.losses.json'); console.log(Array.isArray(l) ? l.length : JSON.stringify(Object.keys(l)))") losses of 1200 steps"
t0=$(date +%s.%N)
pnpm --dir "$repo" compare --resume cmp-interrupted --quiet > cmp-resumed.log 2>&1; echo "pnpm compare --resume: exit $?, $(echo "$(date +%s.%N) - $t0" | bc) s (includes turbo's cached build check)"
tail -3 cmp-resumed.log
node "$repo/docs/results/cli/same-results.mjs" cmp-straight/results.json cmp-interrupted/results.json
