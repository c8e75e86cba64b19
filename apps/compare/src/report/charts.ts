import * as echarts from 'echarts';

// Charts rendered server-side by ECharts (`ssr: true`) to self-contained SVG strings.

/** One named line of (x, y) points. */
export interface LineSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly dashed?: boolean;
}

/** One named cloud of 2-D points. */
export interface ScatterSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly color?: string;
  readonly size?: number;
}

interface ChartSize {
  readonly width?: number;
  readonly height?: number;
}

/** Tick labels that stay short on logarithmic axes (1e-4 rather than 0.000099999…). */
const shortNumber = (value: number): string => (value !== 0 && (Math.abs(value) < 1e-2 || Math.abs(value) >= 1e4) ? value.toExponential(0) : String(Number(value.toPrecision(3))));

function render(option: echarts.EChartsOption, size: ChartSize = {}): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width ?? 640, height: size.height ?? 360 });
  chart.setOption({ animation: false, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** A line chart; `logX` / `logY` use logarithmic axes. */
export function lineChart(options: { title: string; xName: string; yName: string; series: readonly LineSeries[]; logX?: boolean; logY?: boolean } & ChartSize): string {
  return render(
    {
      title: { text: options.title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { type: 'plain', bottom: 0, textStyle: { fontSize: 10 } },
      grid: { left: 70, right: 24, top: 40, bottom: 40 + 18 * Math.ceil(options.series.length / 3) },
      xAxis: { type: options.logX ? 'log' : 'value', name: options.xName, nameLocation: 'middle', nameGap: 28, scale: true, axisLabel: { formatter: shortNumber } },
      yAxis: { type: options.logY ? 'log' : 'value', name: options.yName, nameLocation: 'middle', nameGap: 52, scale: true, axisLabel: { formatter: shortNumber } },
      series: options.series.map((series) => ({
        name: series.name,
        type: 'line',
        showSymbol: series.points.length < 30,
        lineStyle: series.dashed ? { type: 'dashed' } : {},
        data: series.points.map((point) => [point[0], point[1]]),
      })),
    },
    { width: options.width ?? 640, height: options.height ?? 300 + 18 * Math.ceil(options.series.length / 3) },
  );
}

/** A scatter plot of 2-D point clouds with equal axis ranges. */
export function scatterChart(options: { title: string; series: readonly ScatterSeries[]; range?: number } & ChartSize): string {
  const range = options.range ?? 3;
  return render(
    {
      title: { text: options.title, left: 'center', textStyle: { fontSize: 12 } },
      legend: options.series.length > 1 ? { bottom: 0, textStyle: { fontSize: 10 } } : { show: false },
      grid: { left: 30, right: 10, top: 30, bottom: options.series.length > 1 ? 40 : 20 },
      xAxis: { type: 'value', min: -range, max: range, splitLine: { show: false } },
      yAxis: { type: 'value', min: -range, max: range, splitLine: { show: false } },
      series: options.series.map((series) => ({
        name: series.name,
        type: 'scatter',
        symbolSize: series.size ?? 2,
        itemStyle: series.color === undefined ? { opacity: 0.6 } : { color: series.color, opacity: 0.6 },
        data: series.points.map((point) => [point[0], point[1]]),
      })),
    },
    { width: options.width ?? 300, height: options.height ?? 300 },
  );
}

/** A grouped bar chart: one group per category, one bar per series. */
export function barChart(options: { title: string; categories: readonly string[]; yName: string; series: ReadonlyArray<{ name: string; values: readonly number[] }>; logY?: boolean } & ChartSize): string {
  return render(
    {
      title: { text: options.title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 70, right: 24, top: 40, bottom: 90 },
      xAxis: { type: 'category', data: [...options.categories], axisLabel: { rotate: 20, fontSize: 10 } },
      yAxis: { type: options.logY ? 'log' : 'value', name: options.yName, nameLocation: 'middle', nameGap: 52 },
      series: options.series.map((series) => ({ name: series.name, type: 'bar', data: [...series.values] })),
    },
    options,
  );
}
