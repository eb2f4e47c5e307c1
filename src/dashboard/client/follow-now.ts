/**
 * Keeps a sideways-scrolling timeline at its right end ("now") while the reader has not
 * scrolled away: on a narrow screen the timeline opens at "now", stays there as it is redrawn
 * and resized, and stays where the reader put it once they scroll back in time.
 */

/** The scroll geometry of a box (an element fits). */
export interface ScrollBox {
  readonly scrollLeft: number;
  readonly scrollWidth: number;
  readonly clientWidth: number;
}

/** How close to the right end (px) still counts as "at the end" (sub-pixel rounding). */
const END_TOLERANCE = 2;

/** Whether `box` shows its right end (or does not scroll at all). */
export function atRightEnd(box: ScrollBox): boolean {
  return box.scrollLeft + box.clientWidth >= box.scrollWidth - END_TOLERANCE;
}

/** Redraws of a region kept at "now" by {@link followNow}. */
export interface FollowNow {
  /** Replaces the region's content with `draw()`, keeping it at "now" or where the reader scrolled. */
  redraw(draw: () => void): void;
}

/**
 * Follows "now" in `region`: scrolls it to its right end whenever it gets a size (first
 * shown, rotated, resized) or is redrawn, as long as the reader has not scrolled away from
 * the end; a reader who scrolls back to the end is followed again.
 */
export function followNow(region: HTMLElement): FollowNow {
  let following = true;
  let programmatic = false;
  const toEnd = (): void => {
    if (!following) return;
    programmatic = true;
    region.scrollLeft = region.scrollWidth;
    programmatic = false;
  };
  region.addEventListener('scroll', () => {
    // Scrolls while not laid out (width 0) say nothing of the reader.
    if (!programmatic && region.clientWidth > 0) following = atRightEnd(region);
  });
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(toEnd).observe(region);
  return {
    redraw(draw: () => void): void {
      const left = region.scrollLeft;
      draw();
      if (following) toEnd();
      else region.scrollLeft = left;
    },
  };
}
