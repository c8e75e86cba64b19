// Writes MNIST digits (the `mnist` package's 10,000, split by @diffusion/data's seeded loadMnist) as
// PNG files, one folder per digit: <out>/train/<digit>/<n>.png and <out>/held-out/<digit>/<n>.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@diffusion/data';
import { PNG } from 'pngjs';

const [out = 'digits', trainCount = '3000', heldOutCount = '500'] = process.argv.slice(2);
const { train, test } = await loadMnist({ seed: 0 });
for (const [split, name, count] of [[train, 'train', Number(trainCount)], [test, 'held-out', Number(heldOutCount)]]) {
  for (let index = 0; index < Math.min(count, split.count); index += 1) {
    const png = new PNG({ width: 28, height: 28 });
    for (let pixel = 0; pixel < 784; pixel += 1) {
      const grey = Math.round(((split.images[index * 784 + pixel] + 1) / 2) * 255);
      png.data.set([grey, grey, grey, 255], pixel * 4);
    }
    const folder = join(out, name, String(split.labels[index]));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${index}.png`), PNG.sync.write(png, { colorType: 0 }));
  }
}
console.log(`wrote ${trainCount} training and ${heldOutCount} held-out digits under ${out}`);
