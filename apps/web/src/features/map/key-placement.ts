/** Where the map's key may sit: the top-left corner belongs to the zoom buttons. */
export const KEY_CORNERS = ['top-right', 'bottom-right', 'top-left'] as const;
export type KeyCorner = (typeof KEY_CORNERS)[number];

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Room kept around the key, and beside the zoom buttons (top left) and attribution (bottom). */
const MARGIN = 10;
const ZOOM_BUTTONS_WIDTH = 50;
const ATTRIBUTION_HEIGHT = 26;

/** The key's box, in the map's pixels, when it sits in `corner`. */
export function keyBox(corner: KeyCorner, frame: Size, key: Size) {
  const left =
    corner === 'top-left' ? MARGIN + ZOOM_BUTTONS_WIDTH : frame.width - MARGIN - key.width;
  const top = corner === 'bottom-right' ? frame.height - ATTRIBUTION_HEIGHT - key.height : MARGIN;
  return { left, top, right: left + key.width, bottom: top + key.height };
}

/**
 * The corner where the key covers the fewest of the drawn shapes (their centres, in the map's
 * pixels); the top right on a tie, where people look for it. This is how the key is "placed by
 * the available space": it moves off the data as the map is panned, zoomed or resized.
 */
export function leastCoveredCorner(centres: readonly Point[], frame: Size, key: Size): KeyCorner {
  let best: KeyCorner = KEY_CORNERS[0];
  let fewest = Number.POSITIVE_INFINITY;
  for (const corner of KEY_CORNERS) {
    const box = keyBox(corner, frame, key);
    const covered = centres.filter(
      (p) => p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom,
    ).length;
    if (covered < fewest) {
      fewest = covered;
      best = corner;
    }
  }
  return best;
}
