import { describe, expect, it } from 'vitest';
import { keyBox, leastCoveredCorner } from './key-placement.ts';

const frame = { width: 1000, height: 700 };
const key = { width: 250, height: 300 };

describe('leastCoveredCorner', () => {
  it('keeps the key top right when nothing is drawn there', () => {
    expect(leastCoveredCorner([{ x: 100, y: 600 }], frame, key)).toBe('top-right');
  });

  it('moves the key off data in the north east to the freest corner', () => {
    const northEast = Array.from({ length: 20 }, (_, i) => ({ x: 800 + i * 5, y: 50 + i * 10 }));
    const southEast = [{ x: 900, y: 600 }];
    expect(leastCoveredCorner([...northEast, ...southEast], frame, key)).toBe('top-left');
    expect(leastCoveredCorner(northEast, frame, key)).toBe('bottom-right');
  });

  it('places the box inside the frame, clear of the zoom buttons and attribution', () => {
    for (const corner of ['top-right', 'bottom-right', 'top-left'] as const) {
      const box = keyBox(corner, frame, key);
      expect(box.left).toBeGreaterThan(0);
      expect(box.top).toBeGreaterThan(0);
      expect(box.right).toBeLessThan(frame.width);
      expect(box.bottom).toBeLessThan(frame.height - 20);
    }
  });
});
