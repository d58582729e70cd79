// Inline SVG sparklines: one polyline per series, drawn with createElementNS (no markup is parsed).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Size of a sparkline, CSS px. */
export interface SparklineSize {
  width: number;
  height: number;
}

/**
 * The `points` attribute of a polyline drawing `values` (oldest first) across the whole width, scaled from 0 (or the
 * lowest value when negative) at the bottom to the highest value at the top; an all-zero series lies on the bottom.
 * One px of margin keeps the stroke inside.
 */
export function sparklinePoints(values: readonly number[], { width, height }: SparklineSize): string {
  if (values.length === 0) return '';
  const low = Math.min(0, ...values);
  const span = Math.max(...values) - low;
  const step = (width - 2) / Math.max(1, values.length - 1);
  const first = values.length === 1 ? width - 2 : 0;
  return values
    .map((v, i) => {
      const x = 1 + first + i * step;
      const y = span === 0 ? height - 1 : 1 + (height - 2) * (1 - (v - low) / span);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * An `<svg class="spark">` of `values` with a `<title>` naming the series and its range; `data-points` holds how many
 * points it draws.
 */
export function sparkline(
  values: readonly number[],
  label: string,
  size: SparklineSize = { width: 120, height: 28 },
): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(size.width));
  svg.setAttribute('height', String(size.height));
  svg.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  svg.setAttribute('role', 'img');
  svg.dataset.points = String(values.length);
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent =
    values.length === 0
      ? `${label}: no points yet`
      : `${label}: ${values.length} points, ${Math.min(...values)} to ${Math.max(...values)}`;
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', sparklinePoints(values, size));
  svg.append(title, line);
  return svg;
}
