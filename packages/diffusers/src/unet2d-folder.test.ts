import { DiffusionError } from '@diffusion/core';
import { decodeSafetensors } from '@diffusion/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFolder, nchwValues, nhwcFromNchw, readVectors } from '../test/vectors';
import { createUnet2DModel } from './unet2d-model';
import { loadUnet2DModel, saveUnet2DModel } from './unet2d-folder';

const scratch = mkdtempSync(join(tmpdir(), 'unet2d-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('UNet2DModel folders', () => {
  it('writes the names, shapes, dtype, metadata and config diffusers itself wrote for the same config', async () => {
    const reference = fixtureFolder('unet2d-tiny');
    const config = JSON.parse(readFileSync(`${reference}/config.json`, 'utf8'));
    const model = createUnet2DModel(config, { seed: 3 });
    const folder = join(scratch, 'fresh');
    await saveUnet2DModel(folder, model);
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'diffusion_pytorch_model.safetensors']);
    const ours = decodeSafetensors(new Uint8Array(readFileSync(`${folder}/diffusion_pytorch_model.safetensors`)));
    const theirs = decodeSafetensors(new Uint8Array(readFileSync(`${reference}/diffusion_pytorch_model.safetensors`)));
    expect(ours.metadata).toEqual({ format: 'pt' });
    expect([...ours.tensors.keys()].sort()).toEqual([...theirs.tensors.keys()].sort());
    for (const [name, tensor] of theirs.tensors) {
      expect(ours.tensors.get(name)!.shape, name).toEqual(tensor.shape);
      expect(ours.tensors.get(name)!.dtype, name).toBe('F32');
    }
    const written = JSON.parse(readFileSync(`${folder}/config.json`, 'utf8'));
    expect(written).toEqual(config);
    model.dispose();
  });

  it('round-trips a folder: loading what it saved gives the same outputs bit for bit', async () => {
    const vectors = readVectors('unet2d-tiny');
    const source = await loadUnet2DModel(fixtureFolder('unet2d-tiny'));
    const folder = join(scratch, 'round-trip');
    await saveUnet2DModel(folder, source);
    const copy = await loadUnet2DModel(folder);
    const x = nhwcFromNchw(vectors.input.x, vectors.input.shape);
    const t = tf.tensor1d(vectors.input.timesteps);
    const [a, b] = [source.apply(x, t), copy.apply(x, t)];
    expect(Array.from(nchwValues(b))).toEqual(Array.from(nchwValues(a)));
    tf.dispose([x, t, a, b]);
    source.dispose();
    copy.dispose();
  });

  it('names the missing file', async () => {
    const folder = join(scratch, 'no-weights');
    mkdirSync(folder);
    await expect(loadUnet2DModel(folder)).rejects.toMatchObject({ code: 'io', field: `${folder}/config.json` });
    copyFileSync(`${fixtureFolder('unet2d-tiny')}/config.json`, `${folder}/config.json`);
    await expect(loadUnet2DModel(folder)).rejects.toMatchObject({ code: 'io', field: `${folder}/diffusion_pytorch_model.safetensors` });
    writeFileSync(`${folder}/config.json`, '{"sample_size": 16, "down_block_types": ["CrossAttnDownBlock2D"]}');
    const error = await loadUnet2DModel(folder).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).field).toBe(`${folder}/config.json: down_block_types[0]`);
  });
});
