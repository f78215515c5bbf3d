const WIDTH = 100;
const HEIGHT = 24;
// Room for the stroke and the end dot, so neither is clipped at the extremes.
const PAD = 3;

export interface VolumeDay {
  day: string;
  count: number;
}

/** What the sparkline says, for its accessible name: the window, the total and the last days. */
export function volumeSummary(days: readonly VolumeDay[]): string {
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const today = days.at(-1)?.count ?? 0;
  const yesterday = days.length > 1 ? `, ${days.at(-2)!.count.toLocaleString()} yesterday` : '';
  return `Predictions per day, last ${days.length} days: ${total.toLocaleString()} in total${yesterday}, ${today.toLocaleString()} today so far`;
}

/**
 * A model's predictions per day as a 100×24 inline SVG, oldest day left. Today is still filling
 * up, so its segment is dashed rather than read as a drop. A window without predictions says so
 * in words instead of drawing a flat line.
 */
export function Sparkline({ days }: { days: readonly VolumeDay[] }) {
  const total = days.reduce((sum, d) => sum + d.count, 0);
  if (total === 0) {
    return (
      <span className="sparkline-empty" title={`No predictions in the last ${days.length} days`}>
        no predictions
      </span>
    );
  }
  const max = Math.max(...days.map((d) => d.count));
  const step = days.length > 1 ? (WIDTH - 2 * PAD) / (days.length - 1) : 0;
  const points = days.map((d, i) => [PAD + i * step, HEIGHT - PAD - (d.count / max) * (HEIGHT - 2 * PAD)] as const);
  const path = (from: number, to: number) =>
    points
      .slice(from, to)
      .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
      .join(' ');
  const [lastX, lastY] = points.at(-1)!;
  const label = volumeSummary(days);
  return (
    <span className="sparkline">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <title>{label}</title>
        {points.length > 2 && <polyline points={path(0, -1)} className="sparkline-line" />}
        {points.length > 1 && <polyline points={path(-2, points.length)} className="sparkline-line sparkline-today" />}
        <circle cx={lastX} cy={lastY} r={2} className="sparkline-dot" />
      </svg>
      <span className="sparkline-total" aria-hidden="true">
        {total.toLocaleString()} total
      </span>
    </span>
  );
}
