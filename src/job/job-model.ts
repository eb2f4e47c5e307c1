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
        if (!result.success) throw configErrorFrom(`${modelClass.name}.${key}`, result.error, redactShapeSecrets(definition.shape, { [key]: value }), [key]);
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
 * never mutated. Throws {@link JobConfigError} naming every bad field,
 * including those found by `crossFieldRules` (run only when every field is valid alone).
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
  if (!result.success) throw configErrorFrom(subject, result.error, redactShapeSecrets(definition.shape, config as Record<string, unknown>));
  const values = result.data as Record<string, unknown>;
  const issues = crossFieldRules(values);
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

function configErrorFrom(
  subject: string,
  error: z.ZodError,
  config: Record<string, unknown>,
  pathPrefix: readonly string[] = [],
): JobConfigError {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const fullPath = [...pathPrefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...fullPath, key].join('.');
        issues.push({ field, value: valueAt(config, [...fullPath, key]), message: unknownFieldMessage(key) });
      }
      continue;
    }
    issues.push({ field: fullPath.join('.'), value: valueAt(config, fullPath), message: issue.message });
  }
  return new JobConfigError(subject, issues);
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function unknownFieldMessage(key: string): string {
  const camel = key.replace(/[_-]+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  return camel !== key ? `unknown field (did you mean "${camel}"?)` : 'unknown field';
}
