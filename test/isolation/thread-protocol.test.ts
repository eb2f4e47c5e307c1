/** Unit tests of the plain-data encoding and of how a job class says where it lives. */
import { describe, expect, it } from 'vitest';
import { JobException } from '../../src/index.js';
import { locateJobClass } from '../../src/isolation/job-class-location.js';
import { decodeError, encodeError, fromCloneable, isEncodedError, toCloneable } from '../../src/isolation/thread-protocol.js';

describe('toCloneable / fromCloneable', () => {
  it('keeps plain data and dates, describes functions and symbols, rebuilds errors', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const cause = new RangeError('inner');
    const error = Object.assign(new Error('outer', { cause }), { code: 'E_OUTER' });
    const value = { n: 1, s: 'x', b: true, nil: null, when, list: [1, { fn: function named() {} }], sym: Symbol('s'), err: error, big: 10n };
    const cloned = toCloneable(value);
    expect(structuredClone(cloned)).toEqual(cloned);
    const back = fromCloneable(structuredClone(cloned)) as Record<string, unknown>;
    expect(back).toMatchObject({ n: 1, s: 'x', b: true, nil: null, when, list: [1, { fn: '[Function named]' }], sym: 'Symbol(s)', big: 10n });
    const err = back.err as Error & { code?: string };
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('outer');
    expect(err.code).toBe('E_OUTER');
    expect(err.stack).toBe(error.stack);
    expect((err.cause as Error).name).toBe('RangeError');
    expect((err.cause as Error).message).toBe('inner');
  });

  it('turns cycles into "[Circular]" but copies an object shared side by side, and flattens maps, sets and class instances', () => {
    const shared = { k: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const cloned = toCloneable({ cyclic, map: new Map([['a', 1]]), set: new Set([1, 2]), point: new Point(1, 2) }) as Record<string, Record<string, unknown>>;
    expect(cloned.cyclic).toEqual({ shared: { k: 1 }, again: { k: 1 }, self: '[Circular]' });
    expect(cloned.map).toEqual({ a: 1 });
    expect(cloned.set).toEqual([1, 2]);
    expect(cloned.point).toEqual({ x: 1, y: 2 });
  });

  it('encodes thrown non-errors as errors', () => {
    const encoded = encodeError('just a string');
    expect(isEncodedError(encoded)).toBe(true);
    expect(decodeError(encoded).message).toBe('non-error thrown: just a string');
    const named = decodeError(encodeError(new JobException('j', 'stop requested')));
    expect(named.name).toBe('JobException');
    expect(named.message).toBe('Job "j": stop requested');
  });
});

describe('locateJobClass', () => {
  it("reads the class's own moduleUrl and its name as the export", () => {
    class Located {
      static moduleUrl = 'file:///app/jobs/located.js';
    }
    expect(locateJobClass('job', Located)).toEqual({ moduleUrl: 'file:///app/jobs/located.js', exportName: 'Located' });
  });

  it('takes an own exportName', () => {
    class Located {
      static moduleUrl = 'file:///app/jobs/located.js';
      static exportName = 'default';
    }
    expect(locateJobClass('job', Located).exportName).toBe('default');
  });

  it('refuses a missing, inherited or malformed moduleUrl and a bad exportName, naming the job and the class', () => {
    class Parent {
      static moduleUrl = 'file:///app/parent.js';
    }
    class Child extends Parent {}
    class Relative {
      static moduleUrl = './jobs.js';
    }
    class BadExport {
      static moduleUrl = 'file:///app/jobs.js';
      static exportName = 42;
    }
    expect(() => locateJobClass('a', class Missing {})).toThrow(/^Job "a": isolation 'thread' needs to know where class Missing lives: declare `static moduleUrl = import.meta.url` in Missing, and export/);
    expect(() => locateJobClass('b', Child)).toThrow(/in Child \(the inherited one points at the parent class's module\)/);
    expect(() => locateJobClass('c', Relative)).toThrow(/^Job "c": .*static moduleUrl must be a module URL such as import.meta.url, got "\.\/jobs\.js"$/);
    expect(() => locateJobClass('d', BadExport)).toThrow(/static exportName must name the module's export of the class, got 42 \(number\)$/);
    expect(() => locateJobClass('e', Child)).toThrow(JobException);
  });
});
