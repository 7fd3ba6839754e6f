import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const axis = { stroke: "#9aa3ad", grid: { stroke: "#232a33", width: 1 }, ticks: { stroke: "#2d3540", width: 1 }, font: "12px system-ui, sans-serif" };

export interface SeriesSpec { label: string; colour: string; width?: number; dash?: number[]; points?: boolean; scale?: string }

/**
 * A uPlot chart that follows its container's size. uPlot draws on canvas and re-renders tens of thousands
 * of points in a few milliseconds, which is what a live 20-car trace at 10× needs.
 */
export class LiveChart {
  private plot: uPlot | null = null;
  private readonly observer: ResizeObserver;
  private data: uPlot.AlignedData;

  constructor(
    private readonly host: HTMLElement,
    private readonly series: SeriesSpec[],
    private readonly options: { xLabel: string; yLabel: string; yFormat?: (v: number) => string; y2Label?: string; invertY?: boolean; legend?: boolean },
  ) {
    this.data = [[], ...series.map(() => [])] as unknown as uPlot.AlignedData;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(host);
  }

  setData(data: uPlot.AlignedData): void {
    this.data = data;
    if (!this.plot) this.create();
    else this.plot.setData(data);
  }

  private create(): void {
    const { width, height } = this.size();
    if (width < 10 || height < 10) return;
    const scales: uPlot.Scales = { x: { time: false }, y: { dir: this.options.invertY ? -1 : 1 } };
    const axes: uPlot.Axis[] = [
      { ...axis, label: this.options.xLabel, labelSize: 18 },
      { ...axis, label: this.options.yLabel, labelSize: 18, size: 56, values: this.options.yFormat ? (_u, v) => v.map((x) => this.options.yFormat!(x)) : undefined },
    ];
    if (this.options.y2Label) {
      scales.y2 = {};
      axes.push({ ...axis, scale: "y2", side: 1, label: this.options.y2Label, labelSize: 18, size: 48, grid: { show: false } });
    }
    this.plot = new uPlot(
      {
        width,
        height,
        scales,
        axes,
        legend: { show: this.options.legend ?? true, live: false },
        cursor: { drag: { x: false, y: false } },
        series: [
          {},
          ...this.series.map((s) => ({
            label: s.label,
            stroke: s.colour,
            width: s.width ?? 1.5,
            dash: s.dash,
            scale: s.scale ?? "y",
            spanGaps: false,
            points: { show: s.points ?? false, size: 5, fill: s.colour },
          })),
        ],
      },
      this.data,
      this.host,
    );
  }

  private size(): { width: number; height: number } {
    const box = this.host.getBoundingClientRect();
    return { width: Math.floor(box.width), height: Math.floor(box.height) - (this.options.legend === false ? 0 : 28) };
  }

  private resize(): void {
    const { width, height } = this.size();
    if (!this.plot) {
      if (this.data[0].length > 0) this.create();
      return;
    }
    if (width > 10 && height > 10) this.plot.setSize({ width, height });
  }
}
