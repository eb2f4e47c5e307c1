/**
 * The validated data model behind a job class: turns the class's `static fields` into one
 * strict zod schema, validates configurations into plain values, reports every invalid
 * field at once as a {@link JobConfigError}, installs the field accessors (frozen fields
 * refuse assignment with `TypeError`) and emits the JSON Schema.
 *
 * Definitions are built once per class and cached, so constructing a job costs one parse.
 */
import { z } from 'zod';
import { JobConfigError, type ConfigIssue } from '../errors/job-config-error.js';
import type { JobFieldShape } from './job-fields.js';
import { redactShapeSecrets } from './secret-fields.js';

/** Instance slot holding a job's validated field values. */
export const MODEL_VALUES: unique symbol = Symbol('eleanor-jobs.modelValues');

/** An object that stores its field values in the {@link MODEL_VALUES} slot. */
export interface ModelHolder {
  [MODEL_VALUES]: Record<string, unknown>;
}

/** A job class as far as the model is concerned: it names its fields. */
export interface ModelClass {
  readonly name: string;
  readonly fields: JobFieldShape;
  readonly prototype: object;
}

/** Everything derived from a class's `static fields`, built once per class. */
export interface ModelDefinition {
  /** The class's field schemas. */
  readonly shape: JobFieldShape;
  /** Strict object schema over the shape (unknown keys are refused). */
  readonly schema: z.ZodObject;
  /** Field names, in declaration order. */
  readonly keys: readonly string[];
  /** Names of frozen fields (`readOnly` in their meta). */
  readonly frozen: ReadonlySet<string>;
  /**
   * The primitive defaults, used as the prototype of every instance's values: a job stores
   * only the fields that differ from their defaults, which keeps a process holding 100,000
   * jobs small. Not frozen (a frozen prototype would forbid assigning its keys on instances);
   * nothing writes to it after it is built.
   */
  readonly defaults: Readonly<Record<string, unknown>>;
}

const definitions = new WeakMap<ModelClass, ModelDefinition>();

/** The model definition of `modelClass`, built on first use and installed on its prototype. */
export function modelDefinitionOf(modelClass: ModelClass): ModelDefinition {
  let definition = definitions.get(modelClass);
  if (definition === undefined) {
    definition = buildDefinition(modelClass);
    installAccessors(modelClass, definition);
    definitions.set(modelClass, definition);
  }
  return definition;
}

function buildDefinition(modelClass: ModelClass): ModelDefinition {
  const shape = modelClass.fields;
  if (typeof shape !== 'object' || shape === null) {
    throw new TypeError(`${modelClass.name}: static fields must be an object of zod schemas, got ${String(shape)}`);
  }
  const frozen = new Set<string>();
  const defaults: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, schema] of Object.entries(shape)) {
    if (!(schema instanceof z.ZodType)) {
      throw new TypeError(`${modelClass.name}: field "${key}" must be a zod schema, got ${typeof schema}`);
    }
    if (schema.meta()?.readOnly === true) frozen.add(key);
    const fallback = schema.safeParse(undefined);
    if (fallback.success && (typeof fallback.data !== 'object' || fallback.data === null)) defaults[key] = fallback.data;
  }
  return { shape, schema: z.strictObject(shape), keys: Object.keys(shape), frozen, defaults };
}

/**
 * Defines a getter (and a setter that validates, or throws `TypeError` for frozen fields) on
 * the class prototype for every field that no prototype in its chain already defines.
 */
function installAccessors(modelClass: ModelClass, definition: ModelDefinition): void {
  for (const key of definition.keys) {
    if (hasAccessor(modelClass.prototype, key)) continue;
    const fieldSchema = definition.shape[key] as z.ZodType;
    const isFrozen = definition.frozen.has(key);
    Object.defineProperty(modelClass.prototype, key, {
      configurable: true,
      enumerable: false,
      get(this: ModelHolder) {
        return this[MODEL_VALUES][key];
      },
      set(this: ModelHolder, value: unknown) {
        if (isFrozen) throw new TypeError(`Field "${key}" is frozen and cannot be assigned`);
        const result = fieldSchema.safeParse(value);
        if (!result.success) throw new JobConfigError(`${modelClass.name}.${key}`, configIssuesFrom(result.error, redactShapeSecrets(definition.shape, { [key]: value }), [], [key]));
        this[MODEL_VALUES][key] = result.data;
      },
    });
  }
}

function hasAccessor(prototype: object | null, key: string): boolean {
  for (let current = prototype; current !== null && current !== Object.prototype; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (descriptor?.get !== undefined) return true;
  }
  return false;
}

/**
 * Validates `config` against the definition. Returns the values with defaults applied (the
 * primitive defaults inherited from {@link ModelDefinition.defaults}); the caller's object is
 * never mutated. Throws {@link JobConfigError} naming every bad field, including those found
 * by `crossFieldRules`, which always run: they receive the fields that are valid alone (a
 * field that is not is absent, so a rule that needs it skips).
 */
export function validateModel(
  definition: ModelDefinition,
  config: unknown,
  subject: string,
  crossFieldRules: (values: Record<string, unknown>) => ConfigIssue[] = () => [],
): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new JobConfigError(subject, [{ field: '', value: config, message: 'expected a configuration object' }]);
  }
  const result = definition.schema.safeParse(config);
  const values = result.success ? (result.data as Record<string, unknown>) : validFields(definition, config as Record<string, unknown>, result.error);
  const shownConfig = redactShapeSecrets(definition.shape, config as Record<string, unknown>);
  const issues = [...(result.success ? [] : configIssuesFrom(result.error, shownConfig, definition.keys)), ...crossFieldRules(values)];
  if (issues.length > 0) throw new JobConfigError(subject, issues);
  const stored = Object.create(definition.defaults) as Record<string, unknown>;
  for (const key of definition.keys) {
    if (!Object.is(values[key], definition.defaults[key]) || !(key in definition.defaults)) stored[key] = values[key];
  }
  return stored;
}

/** The JSON Schema (draft 2020-12) of a model: titles, descriptions, defaults, `readOnly`. */
export function jsonSchemaOf(definition: ModelDefinition, title: string): Record<string, unknown> {
  return { title, ...z.toJSONSchema(definition.schema, { io: 'input' }) };
}

/** The fields of `config` that are valid alone, parsed (defaults applied), given the failed parse's `error`. */
function validFields(definition: ModelDefinition, config: Record<string, unknown>, error: z.ZodError): Record<string, unknown> {
  const invalid = new Set(error.issues.map((issue) => String(issue.path[0])));
  const values: Record<string, unknown> = {};
  for (const key of definition.keys) {
    if (invalid.has(key)) continue;
    const parsed = (definition.shape[key] as z.ZodType).safeParse(Object.hasOwn(config, key) ? config[key] : undefined);
    if (parsed.success) values[key] = parsed.data;
  }
  return values;
}

/** The issues of a failed parse; `knownFields` are offered as suggestions for unknown ones. */
function configIssuesFrom(
  error: z.ZodError,
  config: Record<string, unknown>,
  knownFields: readonly string[],
  pathPrefix: readonly string[] = [],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const fullPath = [...pathPrefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...fullPath, key].join('.');
        const suggestion = fullPath.length === 0 ? nearMiss(key, knownFields) : null;
        const message = suggestion === null ? 'unknown field' : `unknown field (did you mean "${suggestion}"?)`;
        issues.push({ field, value: valueAt(config, [...fullPath, key]), message });
      }
      continue;
    }
    issues.push({ field: fullPath.join('.'), value: valueAt(config, fullPath), message: issue.message });
  }
  return issues;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The known field an unknown `key` most likely meant, or `null`: the same letters once case,
 * `_` and `-` are ignored (`retry_wait`, `RetryWait`), or one edit away (`intervall`,
 * `retyrWait`: one letter added, dropped, changed or two swapped) for keys of 4 letters or more.
 */
function nearMiss(key: string, knownFields: readonly string[]): string | null {
  const plain = (text: string): string => text.replace(/[_-]/g, '').toLowerCase();
  const wanted = plain(key);
  const sameLetters = knownFields.find((field) => plain(field) === wanted);
  if (sameLetters !== undefined) return sameLetters;
  if (wanted.length < 4) return null;
  return knownFields.find((field) => isOneEditAway(wanted, plain(field))) ?? null;
}

/** Whether `a` becomes `b` by adding, dropping or changing one character, or swapping two adjacent ones. */
function isOneEditAway(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start += 1;
  const rest = (skipA: number, skipB: number): boolean => a.slice(start + skipA) === b.slice(start + skipB);
  if (a.length !== b.length) return a.length > b.length ? rest(1, 0) : rest(0, 1);
  return rest(1, 1) || (a[start] === b[start + 1] && a[start + 1] === b[start] && rest(2, 2));
}
