import { describe, expect, it } from 'vitest';
import { ZoneRules } from '../../src/schedule/zone-rules.js';
import { mulberry32, transitionsOf, wallOf } from './oracle.js';

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Beirut', 'Pacific/Chatham', 'Pacific/Apia', 'Africa/Casablanca', 'Asia/Tehran', 'Antarctica/Troll', 'Asia/Tokyo', 'UTC', 'Etc/GMT+5'];

describe('ZoneRules', () => {
  it.each(ZONES)('finds every offset change of %s, 2000-2030, to the second', (zone) => {
    const rules = ZoneRules.for(zone);
    const transitions = transitionsOf(zone, Date.UTC(2000, 0, 1), Date.UTC(2030, 0, 1));
    for (const t of transitions) {
      expect(rules.offsetAt(t), new Date(t).toISOString()).toBe(wallOf(zone, t) - t);
      expect(rules.offsetAt(t - 1000), new Date(t).toISOString()).toBe(wallOf(zone, t - 1000) - (t - 1000));
      const segment = rules.segmentAt(t + 30_000);
      expect(segment.start).toBe(t);
      expect(segment.previousOffset).toBe(rules.offsetAt(t - 1000));
    }
    const rand = mulberry32(zone.length);
    for (let i = 0; i < 300; i++) {
      const t = Date.UTC(2000, 0, 1) + Math.floor(rand() * 30 * 365 * 86_400) * 1000;
      expect(rules.offsetAt(t)).toBe(wallOf(zone, t) - t);
      const segment = rules.segmentAt(t);
      expect(segment.start <= t && t < segment.end).toBe(true);
    }
  });

  it('shares one table per zone, across aliases and spellings', () => {
    expect(ZoneRules.for('America/New_York')).toBe(ZoneRules.for('America/New_York'));
    expect(ZoneRules.for('america/new_york')).toBe(ZoneRules.for('America/New_York'));
  });

  it('knows which wall times a fold is about to show again', () => {
    const rules = ZoneRules.for('America/New_York');
    const fold = Date.UTC(2025, 10, 2, 6, 0, 0); // 02:00 EDT → 01:00 EST
    expect(rules.maxWallBefore(fold + 10 * 60_000)).toBe(Date.UTC(2025, 10, 2, 2, 0, 0)); // 01:10 EST, but 01:59:59 was shown
    expect(rules.maxWallBefore(fold + 2 * 3_600_000)).toBe(Date.UTC(2025, 10, 2, 3, 0, 0)); // past the fold: its own wall time
    expect(rules.maxWallBefore(fold - 60_000)).toBe(Date.UTC(2025, 10, 2, 1, 59, 0));
  });
});
