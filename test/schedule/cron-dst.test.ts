/**
 * The DST rule, as a table of vectors over many zones, with explicit instants worked out by hand
 * from the zones' rules (docs/guide/schedules.md). Each vector: the next fire times after `from`.
 */
import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/schedule/cron-schedule.js';
import { wallOf } from './oracle.js';

interface Vector {
  readonly zone: string;
  readonly expression: string;
  readonly from: string;
  readonly fires: readonly string[];
  readonly why: string;
}

const day = (date: string, ...times: string[]): string[] => times.map((time) => `${date}T${time}Z`);

const VECTORS: readonly Vector[] = [
  // America/New_York 2025: 02:00 EST → 03:00 EDT on 9 March (07:00Z); 02:00 EDT → 01:00 EST on 2 November (06:00Z).
  { zone: 'America/New_York', expression: '30 2 * * *', from: '2025-03-08T12:00:00Z', fires: ['2025-03-09T07:00:00Z', '2025-03-10T06:30:00Z'], why: 'gap: 02:30 fires at 03:00 EDT, then normally' },
  { zone: 'America/New_York', expression: '0 30 2 * * *', from: '2025-03-08T12:00:00Z', fires: ['2025-03-09T07:00:00Z', '2025-03-10T06:30:00Z'], why: 'the same with a seconds field' },
  { zone: 'America/New_York', expression: '30 2 * * *', from: '2025-03-09T07:00:00Z', fires: ['2025-03-10T06:30:00Z'], why: 'strictly after the gap fire' },
  { zone: 'America/New_York', expression: '0 2 * * *', from: '2025-03-09T06:59:59.500Z', fires: ['2025-03-09T07:00:00Z'], why: 'half a second before the gap' },
  { zone: 'America/New_York', expression: '* 2 * * *', from: '2025-03-09T06:58:00Z', fires: ['2025-03-09T07:00:00Z', '2025-03-10T06:00:00Z', '2025-03-10T06:01:00Z'], why: 'sixty skipped minutes fire once' },
  { zone: 'America/New_York', expression: '15 * * * *', from: '2025-03-09T05:00:00Z', fires: day('2025-03-09', '05:15:00', '06:15:00', '07:00:00', '07:15:00'), why: 'interval: the skipped 02:15 fires at 03:00' },
  { zone: 'America/New_York', expression: '*/30 * * * *', from: '2025-03-09T06:15:00Z', fires: day('2025-03-09', '06:30:00', '07:00:00', '07:30:00'), why: '02:00 and 02:30 collapse into 03:00' },
  { zone: 'America/New_York', expression: '30 1 * * *', from: '2025-11-01T12:00:00Z', fires: ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'], why: 'fold: fixed time fires in the first pass only' },
  { zone: 'America/New_York', expression: '30 1 * * *', from: '2025-11-02T05:30:00Z', fires: ['2025-11-03T06:30:00Z'], why: 'not at 06:30Z' },
  { zone: 'America/New_York', expression: '30 1 * * *', from: '2025-11-02T06:10:00Z', fires: ['2025-11-03T06:30:00Z'], why: 'from inside the second pass' },
  { zone: 'America/New_York', expression: '*/30 * * * *', from: '2025-11-02T04:45:00Z', fires: day('2025-11-02', '05:00:00', '05:30:00', '06:00:00', '06:30:00', '07:00:00'), why: 'fold: step fires in both passes' },
  { zone: 'America/New_York', expression: '0,30 1 * * *', from: '2025-11-02T04:45:00Z', fires: ['2025-11-02T05:00:00Z', '2025-11-02T05:30:00Z', '2025-11-03T06:00:00Z'], why: 'a list is fixed time' },
  { zone: 'America/New_York', expression: '30 1-2 * * *', from: '2025-11-02T04:00:00Z', fires: day('2025-11-02', '05:30:00', '06:30:00', '07:30:00'), why: 'a range in hours fires in both passes' },
  { zone: 'America/New_York', expression: '*/20 30 1 * * *', from: '2025-11-02T05:29:00Z', fires: [...day('2025-11-02', '05:30:00', '05:30:20', '05:30:40', '06:30:00', '06:30:20', '06:30:40'), '2025-11-03T06:30:00Z'], why: 'a step in seconds fires in both passes' },
  { zone: 'America/New_York', expression: '0 0 * * *', from: '2025-03-08T00:00:00Z', fires: ['2025-03-08T05:00:00Z', '2025-03-09T05:00:00Z', '2025-03-10T04:00:00Z'], why: '23-hour day: one midnight each' },
  { zone: 'America/New_York', expression: '0 0 * * *', from: '2025-11-01T00:00:00Z', fires: ['2025-11-01T04:00:00Z', '2025-11-02T04:00:00Z', '2025-11-03T05:00:00Z'], why: '25-hour day: one midnight each' },
  // Europe/London 2025: 01:00 GMT → 02:00 BST on 30 March (01:00Z); 02:00 BST → 01:00 GMT on 26 October (01:00Z).
  { zone: 'Europe/London', expression: '30 1 * * *', from: '2025-03-29T12:00:00Z', fires: ['2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z'], why: 'gap' },
  { zone: 'Europe/London', expression: '30 1 * * *', from: '2025-10-25T12:00:00Z', fires: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'], why: 'fold, fixed' },
  { zone: 'Europe/London', expression: '*/20 1 * * *', from: '2025-10-26T00:00:00Z', fires: [...day('2025-10-26', '00:20:00', '00:40:00', '01:00:00', '01:20:00', '01:40:00'), '2025-10-27T01:00:00Z'], why: 'fold, step in minutes' },
  // Europe/Berlin 2025: 02:00 → 03:00 on 30 March (01:00Z); 03:00 → 02:00 on 26 October (01:00Z).
  { zone: 'Europe/Berlin', expression: '30 2 * * *', from: '2025-03-29T12:00:00Z', fires: ['2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z'], why: 'gap' },
  { zone: 'Europe/Berlin', expression: '30 2 * * *', from: '2025-10-25T12:00:00Z', fires: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'], why: 'fold, fixed' },
  { zone: 'Europe/Berlin', expression: '0 0 * * *', from: '2025-03-29T00:00:00Z', fires: ['2025-03-29T23:00:00Z', '2025-03-30T22:00:00Z'], why: 'midnights around the gap' },
  { zone: 'Europe/Berlin', expression: '0 2 * * 0', from: '2025-10-20T00:00:00Z', fires: ['2025-10-26T00:00:00Z', '2025-11-02T01:00:00Z'], why: 'weekly, fold, fixed' },
  // Australia/Sydney 2025: 03:00 AEDT → 02:00 AEST on 6 April (16:00Z on the 5th); 02:00 AEST → 03:00 AEDT on 5 October (16:00Z on the 4th).
  { zone: 'Australia/Sydney', expression: '30 2 * * *', from: '2025-10-04T12:00:00Z', fires: ['2025-10-04T16:00:00Z', '2025-10-05T15:30:00Z'], why: 'gap, southern hemisphere' },
  { zone: 'Australia/Sydney', expression: '30 2 * * *', from: '2025-04-05T12:00:00Z', fires: ['2025-04-05T15:30:00Z', '2025-04-06T16:30:00Z'], why: 'fold, fixed' },
  { zone: 'Australia/Sydney', expression: '0,30 * * * *', from: '2025-04-05T15:10:00Z', fires: day('2025-04-05', '15:30:00', '16:00:00', '16:30:00', '17:00:00'), why: 'fold, wildcard hours' },
  // Australia/Lord_Howe 2025: 30-minute shifts. 02:00 → 01:30 on 6 April (15:00Z on the 5th); 02:00 → 02:30 on 5 October (15:30Z on the 4th).
  { zone: 'Australia/Lord_Howe', expression: '15 2 * * *', from: '2025-10-04T12:00:00Z', fires: ['2025-10-04T15:30:00Z', '2025-10-05T15:15:00Z'], why: '30-minute gap' },
  { zone: 'Australia/Lord_Howe', expression: '45 1 * * *', from: '2025-04-05T12:00:00Z', fires: ['2025-04-05T14:45:00Z', '2025-04-06T15:15:00Z'], why: '30-minute fold, fixed' },
  { zone: 'Australia/Lord_Howe', expression: '*/15 * * * *', from: '2025-04-05T14:20:00Z', fires: day('2025-04-05', '14:30:00', '14:45:00', '15:00:00', '15:15:00', '15:30:00'), why: '30-minute fold, step' },
  // America/Santiago 2025, shifts at midnight: 00:00 -03 → 23:00 -04 on 6 April (03:00Z); 00:00 -04 → 01:00 -03 on 7 September (04:00Z).
  { zone: 'America/Santiago', expression: '0 0 * * *', from: '2025-09-05T12:00:00Z', fires: ['2025-09-06T04:00:00Z', '2025-09-07T04:00:00Z', '2025-09-08T03:00:00Z'], why: 'midnight does not exist: fires at 01:00' },
  { zone: 'America/Santiago', expression: '0 0 * * *', from: '2025-04-04T12:00:00Z', fires: ['2025-04-05T03:00:00Z', '2025-04-06T04:00:00Z', '2025-04-07T04:00:00Z'], why: '25-hour day before midnight' },
  { zone: 'America/Santiago', expression: '30 23 * * *', from: '2025-04-05T12:00:00Z', fires: ['2025-04-06T02:30:00Z', '2025-04-07T03:30:00Z'], why: 'repeated 23:30, first pass' },
  // Asia/Beirut 2025, shifts at midnight: 00:00 → 01:00 on 30 March (22:00Z on the 29th); 00:00 → 23:00 on 26 October (21:00Z on the 25th).
  { zone: 'Asia/Beirut', expression: '0 0 * * *', from: '2025-03-28T12:00:00Z', fires: ['2025-03-28T22:00:00Z', '2025-03-29T22:00:00Z', '2025-03-30T21:00:00Z'], why: 'midnight in the gap' },
  { zone: 'Asia/Beirut', expression: '0 0 * * *', from: '2025-10-24T12:00:00Z', fires: ['2025-10-24T21:00:00Z', '2025-10-25T22:00:00Z', '2025-10-26T22:00:00Z'], why: 'fold just before midnight' },
  { zone: 'Asia/Beirut', expression: '30 23 * * *', from: '2025-10-25T12:00:00Z', fires: ['2025-10-25T20:30:00Z', '2025-10-26T21:30:00Z'], why: 'repeated 23:30, first pass' },
  // America/Havana 2012, shifts at midnight: 00:00 → 01:00 on 1 April (05:00Z); 01:00 → 00:00 on 4 November (05:00Z): midnight twice.
  { zone: 'America/Havana', expression: '0 0 * * *', from: '2012-03-31T12:00:00Z', fires: ['2012-04-01T05:00:00Z', '2012-04-02T04:00:00Z'], why: 'midnight in the gap' },
  { zone: 'America/Havana', expression: '0 0 * * *', from: '2012-11-03T12:00:00Z', fires: ['2012-11-04T04:00:00Z', '2012-11-05T05:00:00Z'], why: 'midnight twice: first pass only' },
  // Pacific/Chatham 2025, +12:45/+13:45: 03:45 → 02:45 on 6 April (14:00Z on the 5th); 02:45 → 03:45 on 28 September (14:00Z on the 27th).
  { zone: 'Pacific/Chatham', expression: '0 3 * * *', from: '2025-09-27T00:00:00Z', fires: ['2025-09-27T14:00:00Z', '2025-09-28T13:15:00Z'], why: 'gap at a quarter to the hour' },
  { zone: 'Pacific/Chatham', expression: '0 3 * * *', from: '2025-04-05T00:00:00Z', fires: ['2025-04-05T13:15:00Z', '2025-04-06T14:15:00Z'], why: 'fold, fixed' },
  { zone: 'Pacific/Chatham', expression: '*/30 * * * *', from: '2025-04-05T13:00:00Z', fires: day('2025-04-05', '13:15:00', '13:45:00', '14:15:00', '14:45:00', '15:15:00'), why: 'fold, step' },
  // Antarctica/Troll 2025, two-hour shifts: 01:00 +00 → 03:00 +02 on 30 March (01:00Z); 03:00 +02 → 01:00 +00 on 26 October (01:00Z).
  { zone: 'Antarctica/Troll', expression: '30 2 * * *', from: '2025-03-29T12:00:00Z', fires: ['2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z'], why: 'two-hour gap' },
  { zone: 'Antarctica/Troll', expression: '30 1 * * *', from: '2025-10-25T12:00:00Z', fires: ['2025-10-25T23:30:00Z', '2025-10-27T01:30:00Z'], why: 'two-hour fold, fixed' },
  { zone: 'Antarctica/Troll', expression: '0 * * * *', from: '2025-10-25T22:30:00Z', fires: ['2025-10-25T23:00:00Z', ...day('2025-10-26', '00:00:00', '01:00:00', '02:00:00', '03:00:00')], why: 'two-hour fold, hourly' },
  // Pacific/Apia skipped 30 December 2011 (-10 → +14 at 10:00Z).
  { zone: 'Pacific/Apia', expression: '0 12 * * *', from: '2011-12-29T12:00:00Z', fires: ['2011-12-29T22:00:00Z', '2011-12-30T10:00:00Z', '2011-12-30T22:00:00Z'], why: 'a whole day skipped: its noon fires once, at the first instant after' },
  // Zones without DST.
  { zone: 'UTC', expression: '0 0 * * *', from: '2025-03-09T00:00:00Z', fires: ['2025-03-10T00:00:00Z'], why: 'UTC' },
  { zone: 'Asia/Kolkata', expression: '30 2 * * *', from: '2025-03-09T00:00:00Z', fires: ['2025-03-09T21:00:00Z'], why: '+05:30' },
  { zone: 'Asia/Kathmandu', expression: '0 0 * * *', from: '2025-03-09T00:00:00Z', fires: ['2025-03-09T18:15:00Z'], why: '+05:45' },
];

describe('the DST rule, vector by vector', () => {
  it.each(VECTORS.map((v) => [`${v.zone} "${v.expression}" after ${v.from} (${v.why})`, v] as const))('%s', (_, vector) => {
    const schedule = new CronSchedule(vector.expression, { timezone: vector.zone });
    const fires = schedule.nextRuns(vector.fires.length, new Date(vector.from)).map((date) => date.toISOString());
    expect(fires).toEqual(vector.fires.map((iso) => new Date(iso).toISOString()));
  });
});

describe('daily runs on 23- and 25-hour days', () => {
  // Every local date of a year gets exactly one run of a daily expression, whatever its length.
  const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Beirut', 'America/Havana', 'Pacific/Chatham', 'Antarctica/Troll', 'America/Sao_Paulo', 'Asia/Tehran'];
  const expressions = ['0 0 * * *', '30 0 * * *', '0 1 * * *', '30 2 * * *', '30 23 * * *'];
  const localDate = (zone: string, instant: number): string => new Date(wallOf(zone, instant)).toISOString().slice(0, 10);

  it.each(zones.flatMap((zone) => [2012, 2018, 2025].map((year) => [zone, year] as const)))('%s in %i', (zone, year) => {
    for (const expression of expressions) {
      const schedule = new CronSchedule(expression, { timezone: zone });
      const start = Date.UTC(year, 0, 1);
      const runs = schedule.ticksBetween(new Date(start), new Date(Date.UTC(year + 1, 0, 1)), 1000).map((d) => d.getTime());
      const dates = runs.map((run) => localDate(zone, run)).filter((date) => date.startsWith(String(year)) && date > `${year}-01-01`);
      const counts = new Map<string, number>();
      for (const date of dates) counts.set(date, (counts.get(date) ?? 0) + 1);
      const doubled = [...counts].filter(([, n]) => n !== 1);
      expect(doubled, `${expression}: dates with more than one run`).toEqual([]);
      // Every date from 2 January to 30 December is there.
      const expected = (Date.UTC(year, 11, 31) - Date.UTC(year, 0, 2)) / 86_400_000;
      expect(counts.size, `${expression}: dates with a run`).toBeGreaterThanOrEqual(expected);
    }
  });
});
