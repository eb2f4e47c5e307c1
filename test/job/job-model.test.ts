import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseJob, JobConfigError, type JobConfig } from '../../src/index.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

class NoopJob extends BaseJob {
  execute(): void {}
}

interface CleanupFields {
  folder: string;
  maxAgeDays?: number;
  label?: string;
}

class CleanupJob extends BaseJob<CleanupFields> {
  static override fields = {
    ...BaseJob.fields,
    folder: z.string().min(1).meta({ title: 'Folder', description: 'Folder to prune.', readOnly: true }),
    maxAgeDays: z.number().int().positive().default(7).meta({ title: 'Maximum Age', description: 'Days a file is kept.', readOnly: true }),
    label: z.string().default('cleanup').meta({ title: 'Label', description: 'A mutable label.' }),
  };
  declare readonly folder: string;
  declare readonly maxAgeDays: number;
  declare label: string;

  execute(): void {}
}

function configError(run: () => unknown): JobConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof JobConfigError) return error;
    throw error;
  }
  throw new Error('expected a JobConfigError');
}

describe('the data model', () => {
  it('applies the seed defaults', () => {
    const job = new NoopJob({ name: 'defaults', interval: 5 });
    expect(job.toJSON()).toEqual({
      name: 'defaults',
      cron: null,
      interval: 5,
      retryWait: 10,
      triggerCount: 0,
      triggerOnStart: false,
      timezone: null,
      misfire: 'once',
      maxCatchUp: 100,
      misfireGrace: null,
      timeout: null,
      retryBackoff: null,
      jitter: 0,
      isolation: 'inline',
      stopGrace: 10,
      resourceLimits: null,
    });
  });

  it('accepts fractional seconds and a zero interval', () => {
    const job = new NoopJob({ name: 'fractions', interval: 0, retryWait: 0.25 });
    expect(job.interval).toBe(0);
    expect(job.retryWait).toBe(0.25);
  });

  it('never mutates the caller\'s config object', () => {
    const config = Object.freeze({ name: 'frozen-config', cron: '*/5 * * * *', retryBackoff: Object.freeze({ factor: 3 }) });
    const job = new NoopJob(config);
    expect(config).toEqual({ name: 'frozen-config', cron: '*/5 * * * *', retryBackoff: { factor: 3 } });
    expect(job.retryBackoff).toEqual({ factor: 3, max: 3600, jitter: 0 });
  });

  it.each([
    ['name', 'renamed'],
    ['cron', '* * * * *'],
    ['interval', 3],
    ['retryWait', 1],
    ['triggerOnStart', true],
    ['timezone', 'UTC'],
  ])('refuses assignment of the frozen field %s with a TypeError', (field, value) => {
    const job = new NoopJob({ name: 'frozen', interval: 1 });
    const before = (job as unknown as Record<string, unknown>)[field];
    expect(() => {
      (job as unknown as Record<string, unknown>)[field] = value;
    }).toThrow(TypeError);
    expect((job as unknown as Record<string, unknown>)[field]).toEqual(before);
  });

  it('lets triggerCount be assigned, validated', () => {
    const job = new NoopJob({ name: 'count', interval: 1, triggerCount: 4 });
    expect(job.triggerCount).toBe(4);
    job.triggerCount = 9;
    expect(job.triggerCount).toBe(9);
    expect(() => {
      job.triggerCount = -1;
    }).toThrow(RangeError);
    expect(() => {
      job.triggerCount = 1.5;
    }).toThrow(/triggerCount/);
  });

  it('requires exactly one of cron and interval', () => {
    expect(configError(() => new NoopJob({ name: 'none' })).issues).toEqual([
      { field: 'cron', value: null, message: "a job needs exactly one of 'cron' or 'interval'" },
    ]);
    const both = configError(() => new NoopJob({ name: 'both', cron: '* * * * *', interval: 1 }));
    expect(both.issues.map((issue) => issue.field)).toEqual(['cron', 'interval']);
    expect(both.message).toContain('mutually exclusive');
  });

  it('names every offending field and its value in one error', () => {
    const error = configError(
      () => new NoopJob({ name: '', interval: -1, retryWait: Number.NaN, triggerOnStart: 'yes' as unknown as boolean } as JobConfig),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('JobConfigError');
    const fields = error.issues.map((issue) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'interval', 'retryWait', 'triggerOnStart']));
    expect(error.message).toContain('interval');
    expect(error.message).toContain('-1');
    expect(error.message).toContain('"yes"');
    expect(error.issues.find((issue) => issue.field === 'interval')?.value).toBe(-1);
  });

  it('refuses unknown fields and suggests the camelCase spelling', () => {
    const error = configError(() => new NoopJob({ name: 'typo', interval: 1, retry_wait: 5 } as JobConfig));
    expect(error.issues).toEqual([{ field: 'retry_wait', value: 5, message: 'unknown field (did you mean "retryWait"?)' }]);
    expect(error.message).toContain('retry_wait');
  });

  it('refuses infinite durations and a missing name', () => {
    const error = configError(() => new NoopJob({ interval: Number.POSITIVE_INFINITY } as unknown as JobConfig));
    expect(error.issues.map((issue) => issue.field)).toEqual(expect.arrayContaining(['name', 'interval']));
  });

  it('refuses a non-object config', () => {
    const error = configError(() => new NoopJob('job' as unknown as JobConfig));
    expect(error.issues[0]).toMatchObject({ field: '', value: 'job' });
  });

  it('reports an invalid cron expression and an unknown time zone', () => {
    const error = configError(() => new NoopJob({ name: 'bad-cron', cron: '61 * * * *', timezone: 'Mars/Olympus' }));
    expect(error.issues.map((issue) => issue.field)).toContain('timezone');
    const cronError = configError(() => new NoopJob({ name: 'bad-cron', cron: 'every minute' }));
    expect(cronError.issues[0]).toMatchObject({ field: 'cron', value: 'every minute' });
  });

  it('names every bad field, the cross-field rules included, when a field alone is bad too', () => {
    const error = configError(() => new NoopJob({ name: '', cron: '61 * * * *', timezone: 'Mars/Olympus' }));
    expect(error.issues.map((issue) => issue.field)).toEqual(['name', 'timezone', 'cron']);
    expect(error.issues.find((issue) => issue.field === 'cron')?.message).toBe('minute 61 is out of range (allowed: 0-59)');
    // The expression shows once, as the value; no class name of ours or of a library.
    expect(error.message.split('61 * * * *')).toHaveLength(2);
    expect(error.message).not.toMatch(/CronSchedule|CronPattern|croner/);
    const clash = configError(() => new NoopJob({ name: 'clash', cron: '* * * * *', interval: 1, retryWait: -1 }));
    expect(clash.issues.map((issue) => issue.field)).toEqual(['retryWait', 'cron', 'interval']);
    const missing = configError(() => new NoopJob({ name: 'none', retryWait: -1 }));
    expect(missing.issues.map((issue) => issue.field)).toEqual(['retryWait', 'cron']);
    // A rule that needs a field that is bad alone is skipped, not reported twice or wrongly.
    const badCron = configError(() => new NoopJob({ name: 'x', cron: 5 as unknown as string }));
    expect(badCron.issues.map((issue) => issue.field)).toEqual(['cron']);
  });

  it('shows values as written: NaN, Infinity, -0, nested objects, escaped control characters', () => {
    const error = configError(
      () =>
        new NoopJob({
          name: 'shown',
          interval: Number.NaN,
          retryWait: Number.POSITIVE_INFINITY,
          jitter: Number.NEGATIVE_INFINITY,
          retryBackoff: { factor: Number.NaN },
          stopGrace: 'ten\u001b[2J' as unknown as number,
        }),
    );
    expect(error.message).toContain('interval: ');
    expect(error.message).toMatch(/interval: .*\(got NaN\)$/m);
    expect(error.message).toMatch(/retryWait: .*\(got Infinity\)$/m);
    expect(error.message).toMatch(/jitter: .*\(got -Infinity\)$/m);
    expect(error.message).toMatch(/retryBackoff\.factor: .*\(got NaN\)$/m);
    expect(error.message).toContain('(got "ten\\u001b[2J")');
    expect(error.message).not.toContain('null');
    expect(error.message).not.toContain('\u001b');
  });

  it('suggests a field only for a real near-miss', () => {
    const suggestion = (key: string): string | undefined =>
      configError(() => new NoopJob({ name: 'typo', interval: 1, [key]: 5 } as JobConfig)).issues[0]?.message;
    const meant = (field: string): string => `unknown field (did you mean "${field}"?)`;
    const cases = { retry_wait: meant('retryWait'), RetryWait: meant('retryWait'), retyrWait: meant('retryWait'), timezon: meant('timezone') };
    for (const [key, message] of Object.entries(cases)) expect(suggestion(key), key).toBe(message);
    for (const key of ['__proto__', 'proto', 'colour', 'nam']) expect(suggestion(key), key).toBe('unknown field');
    const parsed = JSON.parse('{"name": "p", "interval": 1, "__proto__": { "x": 1 }}') as JobConfig;
    expect(configError(() => new NoopJob(parsed)).issues).toEqual([{ field: '__proto__', value: { x: 1 }, message: 'unknown field' }]);
  });

  it('refuses a name with NUL or another control character, naming the field, the value and the character', () => {
    for (const [name, shown] of [
      ['a\u0000b', 'U+0000 at index 1'],
      ['job\u001b[2J', 'U+001B at index 3'],
      ['tab\there', 'U+0009 at index 3'],
      ['c1\u009b', 'U+009B at index 2'],
      ['half\ud800', 'U+D800 at index 4'],
    ] as const) {
      const error = configError(() => new NoopJob({ name, interval: 1 }));
      expect(error.issues).toEqual([{ field: 'name', value: name, message: `must not contain control characters (${shown})` }]);
      expect(error.message.replaceAll('\n', ' ')).not.toMatch(/[\p{Cc}\p{Cs}]/u);
    }
    expect(new NoopJob({ name: 'Grüße ✓ 日本', interval: 1 }).name).toBe('Grüße ✓ 日本');
  });

  it('refuses @reboot with a reason', () => {
    const error = configError(() => new NoopJob({ name: 'reboot', cron: '@reboot' }));
    expect(error.issues[0]?.field).toBe('cron');
    expect(error.message).toMatch(/triggerOnStart/);
  });

  it('validates the operator options', () => {
    const error = configError(
      () =>
        new NoopJob({
          name: 'ops',
          interval: 1,
          misfire: 'sometimes' as 'once',
          maxCatchUp: 0,
          timeout: 0,
          jitter: -1,
          retryBackoff: { factor: 0.5 },
        }),
    );
    expect(error.issues.map((issue) => issue.field)).toEqual(
      expect.arrayContaining(['misfire', 'maxCatchUp', 'timeout', 'jitter', 'retryBackoff.factor']),
    );
  });

  it('refuses a logger that is not pino-compatible', () => {
    const error = configError(() => new NoopJob({ name: 'log', interval: 1, logger: {} as CaptureLogger }));
    expect(error.issues[0]?.field).toBe('logger');
    expect(() => new NoopJob({ name: 'log', interval: 1, logger: new CaptureLogger() })).not.toThrow();
  });
});

describe('subclass fields', () => {
  it('are validated, defaulted and serialised like the base fields', () => {
    const job = new CleanupJob({ name: 'cleanup', interval: 60, folder: '/tmp/scratch' });
    expect(job.folder).toBe('/tmp/scratch');
    expect(job.maxAgeDays).toBe(7);
    expect(job.toJSON()).toMatchObject({ name: 'cleanup', folder: '/tmp/scratch', maxAgeDays: 7, label: 'cleanup' });
    const error = configError(() => new CleanupJob({ name: 'cleanup', interval: 60, folder: '', maxAgeDays: 1.5 }));
    expect(error.issues.map((issue) => issue.field).sort()).toEqual(['folder', 'maxAgeDays']);
  });

  it('freeze readOnly fields and validate assignments to the others', () => {
    const job = new CleanupJob({ name: 'cleanup', interval: 60, folder: '/tmp/a' });
    expect(() => {
      (job as unknown as { folder: string }).folder = '/etc';
    }).toThrow(TypeError);
    job.label = 'renamed';
    expect(job.label).toBe('renamed');
    expect(() => {
      job.label = 42 as unknown as string;
    }).toThrow(JobConfigError);
    expect(job.label).toBe('renamed');
  });

  it('do not leak onto the base class', () => {
    expect(() => new NoopJob({ name: 'plain', interval: 1, folder: '/tmp' } as JobConfig)).toThrow(/folder: unknown field/);
  });
});

describe('the JSON Schema', () => {
  it('carries the seed titles and descriptions', () => {
    const schema = NoopJob.jsonSchema() as { properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: boolean };
    expect(schema.properties.name).toMatchObject({ title: 'Job Name', readOnly: true });
    expect(schema.properties.cron?.title).toBe('Trigger Cron Expression');
    expect(schema.properties.interval?.description).toContain('Interval in seconds');
    expect(schema.properties.retryWait).toMatchObject({ title: 'Retry Wait Time', default: 10 });
    expect(schema.properties.triggerCount).toMatchObject({ title: 'Trigger Counter', default: 0 });
    expect(schema.properties.triggerCount?.readOnly).toBeUndefined();
    expect(schema.properties.triggerOnStart?.title).toBe('Trigger on Startup');
    expect(schema.required).toEqual(['name']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('includes subclass fields', () => {
    const schema = CleanupJob.jsonSchema() as { title: string; properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.title).toBe('CleanupJob');
    expect(schema.properties.folder).toMatchObject({ title: 'Folder', description: 'Folder to prune.' });
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'folder']));
  });
});
