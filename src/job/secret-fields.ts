/**
 * Secret fields: fields of a job's model marked `.meta({ secret: true })` (an API key, a
 * password). Their values are never shown by the HTTP API, the dashboard or the library's logs:
 * {@link redactSecrets} replaces them with {@link REDACTED}.
 *
 * ```ts
 * static override fields = { ...BaseJob.fields, apiKey: z.string().meta({ secret: true, readOnly: true }) };
 * ```
 */
import type { JobFieldShape } from './job-fields.js';

/** What a secret value is shown as. */
export const REDACTED = '[redacted]';

const secretsByShape = new WeakMap<JobFieldShape, ReadonlySet<string>>();

/** Names of the fields of a model shape (a class's `static fields`) marked `secret: true`. */
export function secretFieldsOfShape(shape: JobFieldShape): ReadonlySet<string> {
  let secrets = secretsByShape.get(shape);
  if (secrets === undefined) {
    secrets = new Set(Object.keys(shape).filter((key) => shape[key]?.meta()?.secret === true));
    secretsByShape.set(shape, secrets);
  }
  return secrets;
}

/** Names of the fields of `job`'s class marked `secret: true` in their meta. */
export function secretFieldsOf(job: object): ReadonlySet<string> {
  return secretFieldsOfShape(shapeOf(job));
}

/**
 * `values` with the secret fields of `shape`, unless absent, redacted: for the values a
 * `JobConfigError` reports (its message reaches logs and terminals).
 */
export function redactShapeSecrets(shape: JobFieldShape, values: Record<string, unknown>): Record<string, unknown> {
  const secrets = secretFieldsOfShape(shape);
  if (secrets.size === 0) return values;
  const redacted = { ...values };
  for (const key of secrets) if (redacted[key] !== undefined && redacted[key] !== null) redacted[key] = REDACTED;
  return redacted;
}

/** `values` (a job's model values) with every secret field's value, unless absent, redacted. */
export function redactSecrets(job: object, values: Record<string, unknown>): Record<string, unknown> {
  return redactShapeSecrets(shapeOf(job), values);
}

/**
 * A model's JSON Schema with the `default` and `examples` of secret properties redacted (the
 * schema itself, `secret: true` included, stays: the dashboard shows the field as secret).
 */
export function redactSchemaSecrets(job: object, schema: Record<string, unknown>): Record<string, unknown> {
  const secrets = secretFieldsOf(job);
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (secrets.size === 0 || properties === undefined) return schema;
  const redacted: Record<string, Record<string, unknown>> = { ...properties };
  for (const key of secrets) {
    const property = properties[key];
    if (property === undefined) continue;
    redacted[key] = { ...property, ...('default' in property ? { default: REDACTED } : {}), ...('examples' in property ? { examples: [REDACTED] } : {}) };
  }
  return { ...schema, properties: redacted };
}

/** The model shape of `job`'s class (its `static fields`). */
function shapeOf(job: object): JobFieldShape {
  return (job.constructor as unknown as { fields: JobFieldShape }).fields;
}
