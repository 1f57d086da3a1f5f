import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Props of `UplotChart`: options without a size, the data, a height and an accessible label. */
export interface UplotChartProps {
  /** Options for uPlot; `width` comes from the container, `height` from the prop. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string;
  /** Rebuilds the chart when this changes (series added or removed); data changes only redraw. */
  shapeKey?: string;
  testId?: string;
  /** Redraws for new data are at least this far apart (ms; default 250: live curves). */
  minRedrawMs?: number;
}

/**
 * A uPlot chart that fills its container's width and follows it on resize. New `data` is applied
 * with `setData` (no rebuild), in its own task and at most every `minRedrawMs`, so live curves update
a few times a second without long main-thread tasks.
 */
export function UplotChart({
  options,
  data,
  height = 180,
  label,
  shapeKey = '',
  testId,
  minRedrawMs = 250,
}: UplotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    // Each chart is built in its own task: several charts mounting in one render (run cards,
    // histograms) would otherwise add up to one long main-thread task.
    const build = setTimeout(() => {
      const width = Math.max(200, element.clientWidth);
      const built = new uPlot({ ...options, width, height }, latest.current, element);
      chart = built;
      plot.current = built;
      let lastWidth = width;
      observer = new ResizeObserver(() => {
        const next = Math.max(200, element.clientWidth);
        if (next !== lastWidth) {
          lastWidth = next;
          built.setSize({ width: next, height });
        }
      });
      observer.observe(element);
    }, 0);
    return () => {
      clearTimeout(build);
      observer?.disconnect();
      chart?.destroy();
      plot.current = null;
    };
    // The options object is rebuilt on every render by callers; `shapeKey` says when it really changed.
  }, [shapeKey, height]);

  // New data is drawn in a task of its own (several charts updated by one render would otherwise
  // redraw in one long task), at most once per `minRedrawMs`; the latest data wins.
  const redraw = useRef<{ timer: ReturnType<typeof setTimeout> | null; last: number }>({
    timer: null,
    last: 0,
  });
  useEffect(() => {
    const state = redraw.current;
    if (state.timer !== null) return;
    const wait = Math.max(0, state.last + minRedrawMs - performance.now());
    state.timer = setTimeout(() => {
      state.timer = null;
      state.last = performance.now();
      plot.current?.setData(latest.current);
    }, wait);
  }, [data]);
  useEffect(
    () => () => {
      if (redraw.current.timer !== null) clearTimeout(redraw.current.timer);
    },
    [],
  );

  return <div class="chart" ref={host} role="img" aria-label={label} data-testid={testId} />;
}
