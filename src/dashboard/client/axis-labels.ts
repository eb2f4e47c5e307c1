/**
 * Placement of the timeline's axis labels: the fixed "now" label at the right edge and the
 * round times of the grid, keeping only labels that fit the plot and do not overlap (no
 * "06:40now"). Pure, so it is tested without a browser.
 */

/** A text label on the axis. */
export interface AxisLabel {
  /** Anchor position, SVG units. */
  readonly x: number;
  readonly text: string;
  /** How the text sits on `x` (as SVG `text-anchor`). */
  readonly anchor: 'start' | 'middle' | 'end';
}

/** Estimated width of one character of the axis font (11 px system-ui), generous for digits. */
export const AXIS_CHAR_WIDTH = 6.6;
/** Least space between two labels. */
export const AXIS_LABEL_GAP = 6;

/** The horizontal extent `[left, right]` a label is estimated to cover. */
export function labelExtent(label: AxisLabel): readonly [number, number] {
  const width = [...label.text].length * AXIS_CHAR_WIDTH;
  const left = label.anchor === 'start' ? label.x : label.anchor === 'end' ? label.x - width : label.x - width / 2;
  return [left, left + width];
}

/**
 * The labels to draw: every `fixed` label (kept whatever happens, e.g. "now"), then each of
 * `candidates` (centred grid labels, in any order) that lies within `[plotLeft, plotRight]`
 * and keeps {@link AXIS_LABEL_GAP} from every label kept before it.
 */
export function placeAxisLabels(fixed: readonly AxisLabel[], candidates: readonly AxisLabel[], plotLeft: number, plotRight: number): AxisLabel[] {
  const kept = [...fixed];
  const clashes = (extent: readonly [number, number]): boolean =>
    kept.some((other) => {
      const [left, right] = labelExtent(other);
      return extent[0] < right + AXIS_LABEL_GAP && left < extent[1] + AXIS_LABEL_GAP;
    });
  for (const label of candidates) {
    const extent = labelExtent(label);
    if (extent[0] >= plotLeft && extent[1] <= plotRight && !clashes(extent)) kept.push(label);
  }
  return kept;
}
