import { createRandomSource, type Schedule } from '@diffusion/core';
import { datasetByName, type PlaygroundDataset } from './playground-datasets';
import { noisePoints, scheduleCurves, viewRadius } from './playground-noising';
import { drawLines, drawScatter, formatNumber } from './playground-plot';

/** The forward-process panel: a fixed data sample and fixed noise, drawn at any t of a schedule. */
export interface ForwardView {
  /** The dataset drawn, with `pointCount` fixed points (row-major) and their fixed noise. */
  readonly data: { readonly dataset: PlaygroundDataset; readonly x0: Float64Array; readonly eps: Float64Array };
  /** Draws a new fixed sample of the named dataset. */
  setDataset(name: string): void;
  /** Draws x_t = alpha(t) x0 + sigma(t) eps, the schedule's curves with a marker at t, and the read-out. */
  draw(schedule: Schedule, t: number): void;
}

/** The panel's canvases and read-out element. */
export interface ForwardViewElements {
  readonly points: HTMLCanvasElement;
  readonly alphaSigma: HTMLCanvasElement;
  readonly logSnr: HTMLCanvasElement;
  readonly readout: HTMLElement;
}

/** Creates the forward-process panel over `elements` (points and noise seeded, so every visit looks the same). */
export function createForwardView(elements: ForwardViewElements, datasetName: string, pointCount = 1000): ForwardView {
  const sampleOf = (name: string) => {
    const dataset = datasetByName(name);
    const random = createRandomSource(1234);
    return { dataset, x0: dataset.dataset.sampleArray(pointCount, random.fork('view-data')), eps: random.fork('view-noise').normals(pointCount * 2) };
  };
  let data = sampleOf(datasetName);
  return {
    get data() {
      return data;
    },
    setDataset(name) {
      data = sampleOf(name);
    },
    draw(schedule, t) {
      const alpha = schedule.alpha(t);
      const sigma = schedule.sigma(t);
      drawScatter(elements.points, [{ points: noisePoints(data.x0, data.eps, alpha, sigma), color: 'rgba(31, 119, 180, 0.7)' }], viewRadius(alpha, sigma), `${data.dataset.name} at t = ${t.toFixed(3)}`);
      const curves = scheduleCurves(schedule);
      // A variance-exploding schedule (EDM: sigma up to 80) is read on a log axis.
      const large = Math.max(...curves.sigma) > 5;
      drawLines(
        elements.alphaSigma,
        [
          { label: 'alpha(t)', color: '#1f77b4', x: curves.t, y: curves.alpha },
          { label: 'sigma(t)', color: '#ff7f0e', x: curves.t, y: curves.sigma },
        ],
        { xExtent: [0, 1], markerX: t, logY: large, ...(large ? {} : { yExtent: [0, Math.max(1, ...curves.alpha, ...curves.sigma)] as [number, number] }), title: `${schedule.name}: alpha, sigma against t${large ? ' (log scale)' : ''}` },
      );
      drawLines(elements.logSnr, [{ label: 'log-SNR', color: '#2ca02c', x: curves.t, y: curves.logSnr }], { xExtent: [0, 1], markerX: t, title: 'log-SNR(t) = log(alpha² / sigma²)' });
      elements.readout.textContent = `t = ${t.toFixed(3)}   alpha = ${formatNumber(alpha, 4)}   sigma = ${formatNumber(sigma, 4)}   log-SNR = ${formatNumber(schedule.logSnr(t), 4)}\nx_t = alpha · x0 + sigma · eps, the same eps for every t`;
    },
  };
}
