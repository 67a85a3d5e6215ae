/**
 * A small hand-written SVG bar chart: one group per scenario, one horizontal bar per
 * contender, each labelled with its requests/s and its ratio to the reference contender.
 */

export interface ChartGroup {
  readonly title: string;
  readonly bars: readonly { readonly label: string; readonly value: number | null; readonly ratio: number | null }[];
}

const COLORS = ['#7f7f7f', '#2ca02c', '#1f77b4', '#d62728', '#ff7f0e', '#9467bd'];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders `groups` as an SVG document; `reference` names the contender ratios are taken against. */
export function barChart(title: string, subtitle: string, groups: readonly ChartGroup[]): string {
  const width = 760;
  const labelWidth = 170;
  const barArea = width - labelWidth - 170;
  const barHeight = 18;
  const gap = 6;
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value ?? 0)));
  const lines: string[] = [];
  let y = 56;
  const colorOf = new Map<string, string>();
  for (const group of groups) {
    lines.push(`<text x="10" y="${y + 12}" font-weight="bold">${escape(group.title)}</text>`);
    y += 22;
    for (const bar of group.bars) {
      if (!colorOf.has(bar.label)) colorOf.set(bar.label, COLORS[colorOf.size % COLORS.length]!);
      lines.push(`<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end">${escape(bar.label)}</text>`);
      if (bar.value === null) {
        lines.push(`<text x="${labelWidth}" y="${y + 13}" fill="#888">not available</text>`);
      } else {
        const w = Math.max(1, (bar.value / max) * barArea);
        const ratio = bar.ratio === null ? '' : ` (×${bar.ratio.toFixed(2)})`;
        lines.push(`<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${colorOf.get(bar.label)}"/>`);
        lines.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 13}">${Math.round(bar.value).toLocaleString('en-US')} req/s${ratio}</text>`);
      }
      y += barHeight + gap;
    }
    y += 10;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="16" font-weight="bold">${escape(title)}</text>
<text x="10" y="40" fill="#555">${escape(subtitle)}</text>
${lines.join('\n')}
</svg>
`;
}
