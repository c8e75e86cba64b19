import { createUnetBackbone } from '@diffusion/backbones';
import type { Backbone, RandomSource, Schedule } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createMnistDataset, loadMnist } from '@diffusion/data';
import { classifierConfidence, classifierFeatures, classifierFrechetDistance, loadDigitClassifier } from '@diffusion/metrics';
import { ConfigError, type CompareConfig } from './config';
import { createDiffusersUnetBackbone, diffusersUnetConfig, saveTrainedDiffusersUnet } from './diffusers-unet';
import { createDigitClassEvaluation } from './guidance/digit-class-evaluation';
import { imageGridPng, pngDataUri } from './image-grid';
import { ladderTuningDigits } from './ladder-tuning-digits';
import type { ExperimentSetup } from './setup';

/** Held-out digits for the loss profile and the NLL bound, and real digits for the reference Fréchet distance. */
const heldOutCount = 200;
const referenceCount = 500;

/**
 * MNIST digits (28×28, [-1, 1]) with a U-Net: Fréchet distance on the features of the shipped digit
 * classifier and its mean confidence; the NLL bound in bits per dimension (discretised decoder).
 */
export async function createImageSetup(config: CompareConfig, random: RandomSource, schedule: Schedule): Promise<ExperimentSetup> {
  const diffusers = config.backbone === 'diffusers-unet';
  if (diffusers) diffusersUnetConfig(config);
  if (diffusers && config.guidance !== undefined) throw new ConfigError('--guidance: the diffusers-unet backbone is not trained with class labels here; use "backbone": "unet"');
  const { train, test } = await loadMnist({ seed: config.seed });
  const trainSet = createMnistDataset(train, 'train');
  const testSet = createMnistDataset(test, 'test');
  const heldOut = testSet.sample(heldOutCount, random.fork('held-out'));
  const reference = testSet.sample(Math.min(referenceCount, test.count), random.fork('reference'));
  const classifier = loadDigitClassifier();
  const trainReference = trainSet.sample(reference.shape[0]!, random.fork('train-reference'));
  const referenceQuality = {
    frechetDistance: classifierFrechetDistance(trainReference, reference, { classifier }),
    classifierConfidence: classifierConfidence(reference, { classifier }),
  };
  trainReference.dispose();
  const classes = config.guidance === undefined ? undefined : createDigitClassEvaluation(classifier, reference);
  const numClasses = classes === undefined ? {} : { numClasses: classes.numClasses };
  return {
    dataset: trainSet,
    heldOut,
    sampleShape: [28, 28, 1],
    decoder: 'discretized-gaussian',
    nllUnit: 'bits per dimension',
    dimension: 28 * 28,
    referenceQuality,
    ...(classes === undefined ? {} : { classes }),
    createBackbone: () => (diffusers ? createDiffusersUnetBackbone(config, schedule) : createUnetBackbone({ imageSize: 28, channels: 1, ...config.unet, ...numClasses, seed: config.seed })),
    ...(diffusers ? { saveTrained: async (backbone: Backbone, label: string, emaWeights: ReadonlyMap<string, Tensor>) => void (await saveTrainedDiffusersUnet(config, backbone, label, emaWeights)) } : {}),
    // Test digits that are neither the held-out digits nor the evaluation reference.
    ladderTuningData: (count) => ({
      heldOut: ladderTuningDigits(test, [heldOut, reference], count, random.fork('ladder-tuning-data')),
      objective: 'frechet',
      features: (samples) => classifierFeatures(samples, { classifier }),
      source: `${count} MNIST test digits outside the held-out and evaluation sets, on the digit classifier's features`,
    }),
    evaluate: (samples) => ({
      frechetDistance: classifierFrechetDistance(samples, reference, { classifier }),
      classifierConfidence: classifierConfidence(samples, { classifier }),
    }),
    picture: (samples) => ({ imagePng: pngDataUri(imageGridPng(samples)) }),
    dispose() {
      heldOut.dispose();
      reference.dispose();
      classifier.dispose();
    },
  };
}
