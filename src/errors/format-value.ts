/**
 * Renders any value the way it would be written in TypeScript source, for error messages:
 * `NaN`, `Infinity`, `-0`, `10n`, `undefined`, quoted strings (controls escaped),
 * `{ factor: NaN }`, `[1, 2]`, `function run`. Bounded in length and depth.
 *
 * @module
 */
import { quoteText } from './quote-text.js';

/** Most characters of a rendered value; a longer rendering ends in `...`. */
const MAX_LENGTH = 80;
/** Nesting rendered before objects and arrays show as `{...}` and `[...]`. */
const MAX_DEPTH = 2;
/** Entries of an object or array rendered before `...`. */
const MAX_ENTRIES = 8;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `value` as written in source, at most {@link MAX_LENGTH} characters. */
export function formatValue(value: unknown): string {
  const text = render(value, 0);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}

function render(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quoteText(value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return `Symbol(${value.description === undefined ? '' : quoteText(value.description)})`;
    case 'function':
      return `function ${value.name === '' ? '(anonymous)' : value.name}`;
    case 'object':
      return value === null ? 'null' : renderObject(value, depth);
    default:
      return String(value);
  }
}

function renderObject(value: object, depth: number): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return '[...]';
    const items = value.slice(0, MAX_ENTRIES).map((item: unknown) => render(item, depth + 1));
    if (value.length > MAX_ENTRIES) items.push('...');
    return `[${items.join(', ')}]`;
  }
  const prefix = Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null ? '' : `${value.constructor?.name ?? 'Object'} `;
  if (depth >= MAX_DEPTH) return `${prefix}{...}`;
  const keys = Object.keys(value);
  const entries = keys.slice(0, MAX_ENTRIES).map((key) => `${IDENTIFIER.test(key) ? key : quoteText(key)}: ${render((value as Record<string, unknown>)[key], depth + 1)}`);
  if (keys.length > MAX_ENTRIES) entries.push('...');
  return entries.length === 0 ? `${prefix}{}` : `${prefix}{ ${entries.join(', ')} }`;
}
