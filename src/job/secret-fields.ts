/**
 * Secret fields: fields of a job's model marked `.meta({ secret: true })` (an API key, a
 * password). Their values are never shown by the HTTP API, the dashboard or the library's logs:
 * {@link redactSecrets} replaces them with {@link REDACTED}.
 *
 * ```ts
 * static override fields = { ...BaseJob.fields, apiKey: z.string().meta({ secret: true, readOnly: true }) };
 * ```
 */
import { modelDefinitionOf, type ModelClass } from './job-model.js';

/** What a secret value is shown as. */
export const REDACTED = '[redacted]';

const secretsByClass = new WeakMap<object, ReadonlySet<string>>();

/** Names of the fields of `job`'s class marked `secret: true` in their meta. */
export function secretFieldsOf(job: object): ReadonlySet<string> {
  const jobClass = job.constructor as unknown as ModelClass;
  let secrets = secretsByClass.get(jobClass);
  if (secrets === undefined) {
    const { shape } = modelDefinitionOf(jobClass);
    secrets = new Set(Object.keys(shape).filter((key) => shape[key]?.meta()?.secret === true));
    secretsByClass.set(jobClass, secrets);
  }
  return secrets;
}

/** `values` (a job's model values) with every secret field's value, unless absent, redacted. */
export function redactSecrets(job: object, values: Record<string, unknown>): Record<string, unknown> {
  const secrets = secretFieldsOf(job);
  if (secrets.size === 0) return values;
  const redacted = { ...values };
  for (const key of secrets) if (redacted[key] !== undefined && redacted[key] !== null) redacted[key] = REDACTED;
  return redacted;
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
