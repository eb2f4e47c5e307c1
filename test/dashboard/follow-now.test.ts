import { describe, expect, it } from 'vitest';
import { atRightEnd } from '../../src/dashboard/client/follow-now.js';

describe('atRightEnd', () => {
  it('is true at the right end (within rounding) and for a box that does not scroll', () => {
    expect(atRightEnd({ scrollLeft: 600, clientWidth: 390, scrollWidth: 990 })).toBe(true);
    expect(atRightEnd({ scrollLeft: 598.5, clientWidth: 390, scrollWidth: 990 })).toBe(true);
    expect(atRightEnd({ scrollLeft: 0, clientWidth: 390, scrollWidth: 390 })).toBe(true);
  });

  it('is false anywhere before the end', () => {
    expect(atRightEnd({ scrollLeft: 0, clientWidth: 390, scrollWidth: 990 })).toBe(false);
    expect(atRightEnd({ scrollLeft: 590, clientWidth: 390, scrollWidth: 990 })).toBe(false);
  });
});
