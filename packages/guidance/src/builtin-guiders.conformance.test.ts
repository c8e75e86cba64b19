import { describeGuiderConformance } from '@diffusion/testing';
import { createApgGuider } from './apg-guider';
import { createCfgGuider } from './cfg-guider';
import { createCfgRescaleGuider } from './cfg-rescale-guider';
import { createGuidanceIntervalGuider } from './guidance-interval-guider';

const badScales = [
  { options: { guidanceScale: Number.NaN }, field: 'guidanceScale' },
  { options: { guidanceScale: -0.5 }, field: 'guidanceScale' },
  { options: {}, field: 'guidanceScale' },
];

describeGuiderConformance(createCfgGuider, {
  conditionalOptions: { guidanceScale: 1 },
  unconditionalOptions: { guidanceScale: 0 },
  guidedOptions: { guidanceScale: 3 },
  rejections: [...badScales, { options: { guidanceScale: 2, scale: 2 }, field: 'scale' }],
});

describeGuiderConformance(createCfgRescaleGuider, {
  conditionalOptions: { guidanceScale: 1, guidanceRescale: 0.7 },
  // phi = 0 is plain CFG, whose w = 0 is D_u.
  unconditionalOptions: { guidanceScale: 0, guidanceRescale: 0 },
  guidedOptions: { guidanceScale: 4, guidanceRescale: 0.7, space: 'v' },
  rejections: [...badScales, { options: { guidanceScale: 2, guidanceRescale: 1.5 }, field: 'guidanceRescale' }, { options: { guidanceScale: 2, space: 'noise' }, field: 'space' }],
});

describeGuiderConformance(createGuidanceIntervalGuider, {
  conditionalOptions: { guidanceScale: 1 },
  unconditionalOptions: { guidanceScale: 0 },
  guidedOptions: { guidanceScale: 2.5, sigmaLow: 0.3, sigmaHigh: 5 },
  rejections: [...badScales, { options: { guidanceScale: 2, sigmaLow: 3, sigmaHigh: 1 }, field: 'sigmaHigh' }, { options: { guidanceScale: 2, sigmaLow: -1 }, field: 'sigmaLow' }],
});

describeGuiderConformance(createApgGuider, {
  conditionalOptions: { guidanceScale: 1, eta: 0, normThreshold: 1, momentum: -0.5 },
  // eta = 1 without clamp or momentum is CFG, whose w = 0 is D_u.
  unconditionalOptions: { guidanceScale: 0, eta: 1 },
  guidedOptions: { guidanceScale: 5, eta: 0, normThreshold: 2, momentum: -0.5 },
  rejections: [
    ...badScales,
    { options: { guidanceScale: 2, eta: -1 }, field: 'eta' },
    { options: { guidanceScale: 2, normThreshold: 0 }, field: 'normThreshold' },
    { options: { guidanceScale: 2, momentum: 1 }, field: 'momentum' },
  ],
});
