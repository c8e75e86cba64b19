import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import type { CompareConfig } from './config';
import { renderReport, type ReportVisuals } from './report/html';
import type { CompareResults, RunResult } from './results';
import type { SamplerRecord } from './sampler-specs';
import { logStage } from './stage-log';

/** Writes results.json and report.html (atomically) for the runs finished so far. */
export function writeReport(options: {
  config: CompareConfig;
  started: Date;
  backend: string;
  outDir: string;
  runs: readonly RunResult[];
  visuals: ReportVisuals;
  complete: boolean;
  dataNll?: number;
  exactNllBound?: number;
  exactOdeNll?: CompareResults['exactOdeNll'];
  nllUnit: string;
  referenceQuality?: CompareResults['referenceQuality'];
  samplers?: readonly SamplerRecord[];
  /** Ids of every planned run, in run order: those not finished are listed as `notRun` while incomplete. */
  planned?: readonly string[];
  interrupted?: CompareResults['interrupted'];
}): { results: CompareResults; reportPath: string; resultsPath: string } {
  logStage('writing report');
  const finished = new Date();
  const results: CompareResults = {
    tool: 'diffusion-compare',
    version: 1,
    config: options.config,
    startedAt: options.started.toISOString(),
    finishedAt: finished.toISOString(),
    complete: options.complete,
    backend: options.backend,
    ...(options.samplers === undefined ? {} : { samplers: options.samplers }),
    ...(options.dataNll === undefined ? {} : { dataNll: options.dataNll }),
    ...(options.exactNllBound === undefined ? {} : { exactNllBound: options.exactNllBound }),
    ...(options.exactOdeNll === undefined ? {} : { exactOdeNll: options.exactOdeNll }),
    nllUnit: options.nllUnit,
    ...(options.referenceQuality === undefined ? {} : { referenceQuality: options.referenceQuality }),
    wallClockSeconds: (finished.getTime() - options.started.getTime()) / 1000,
    runs: options.runs,
    ...(options.complete || options.planned === undefined ? {} : { notRun: options.planned.filter((id) => !options.runs.some((run) => run.id === id)) }),
    ...(options.interrupted === undefined ? {} : { interrupted: options.interrupted }),
  };
  const resultsPath = join(options.outDir, 'results.json');
  const reportPath = join(options.outDir, 'report.html');
  writeFileAtomic(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(reportPath, renderReport(results, options.visuals));
  // Image samples also go next to the report as PNG files (samples-<run>.png, 64 per grid).
  for (const [id, picture] of options.visuals.samples) {
    if (picture.imagePng !== undefined) writeFileAtomic(join(options.outDir, `samples-${id}.png`), Buffer.from(picture.imagePng.replace(/^data:image\/png;base64,/, ''), 'base64'));
  }
  // --guidance: the per-class grids too (guidance-<run>-<index>.png, in the order of the report).
  for (const [id, pictures] of options.visuals.guidance ?? []) {
    pictures.forEach((picture, index) => {
      if (picture.imagePng !== undefined) writeFileAtomic(join(options.outDir, `guidance-${id}-${index + 1}.png`), Buffer.from(picture.imagePng.replace(/^data:image\/png;base64,/, ''), 'base64'));
    });
  }
  return { results, reportPath, resultsPath };
}
