import { DiffusionError } from '@diffusion/core';
import { decodeSafetensors } from '@diffusion/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFolder, nchwValues, nhwcFromNchw, readVectors } from '../test/vectors';
import { createUnet2DModel } from './unet2d-model';
import { readUnet2DModelConfig } from './unet2d-config';
import { loadUnet2DModel, saveUnet2DModel, unet2DModelFiles } from './unet2d-folder';

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
    expect(JSON.parse(readFileSync(`${folder}/config.json`, 'utf8'))).toEqual(config);
    model.dispose();
  });

  // Guards the layout diffusers' from_pretrained needs, where CI has no python: the same names,
  // shapes and metadata as the files diffusers wrote, and a config that reads back the same.
  for (const name of ['unet2d-tiny', 'head-dim-absent', 'scale-shift', 'class-conditional', 'no-mid-block', 'no-mid-attention', 'ddpm-cifar10-family', 'odd-width-rectangular', 'layers-per-block-2']) {
    it(`saves the tensor names and shapes diffusers wrote for ${name}`, async () => {
      const reference = fixtureFolder(name);
      const config = JSON.parse(readFileSync(`${reference}/config.json`, 'utf8'));
      const model = createUnet2DModel(config);
      const files = unet2DModelFiles(model);
      const ours = decodeSafetensors(files.weights);
      const theirs = decodeSafetensors(new Uint8Array(readFileSync(`${reference}/diffusion_pytorch_model.safetensors`)));
      expect(ours.metadata).toEqual({ format: 'pt' });
      expect([...ours.tensors.keys()].sort()).toEqual([...theirs.tensors.keys()].sort());
      for (const [tensorName, tensor] of theirs.tensors) {
        expect(ours.tensors.get(tensorName)!.shape, tensorName).toEqual(tensor.shape);
        expect(ours.tensors.get(tensorName)!.dtype, tensorName).toBe('F32');
      }
      const written = JSON.parse(new TextDecoder().decode(files.config));
      expect(written._class_name).toBe('UNet2DModel');
      expect(readUnet2DModelConfig(written)).toEqual(readUnet2DModelConfig(config));
      model.dispose();
    });
  }

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
