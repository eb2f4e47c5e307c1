import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseJob, JobConfigError } from '../../src/index.js';
import { REDACTED, redactSecrets, secretFieldsOf } from '../../src/job/secret-fields.js';

const KEY = 'sk-live-short';

class Vault extends BaseJob<{ apiKey?: string; password?: string | null; region?: string }> {
  static override fields = {
    ...BaseJob.fields,
    apiKey: z.string().min(20).default('sk-default-0123456789abcdef').meta({ secret: true, readOnly: true }),
    password: z.string().nullable().default(null).meta({ secret: true }),
    region: z.string().default('eu-west-1').meta({ readOnly: true }),
  };
  declare readonly apiKey: string;
  declare password: string | null;
  execute(): void {}
}

describe('secret fields', () => {
  it('are the fields whose meta says secret: true', () => {
    const job = new Vault({ name: 'vault', interval: 60 });
    expect([...secretFieldsOf(job)]).toEqual(['apiKey', 'password']);
  });

  it('are redacted from model values, absent values left as they are', () => {
    const job = new Vault({ name: 'vault', interval: 60 });
    expect(redactSecrets(job, job.toJSON())).toMatchObject({ apiKey: REDACTED, password: null, region: 'eu-west-1', name: 'vault' });
    expect(job.toJSON().apiKey).toBe('sk-default-0123456789abcdef');
  });

  it('never appear in a JobConfigError (its message reaches logs and terminals)', () => {
    let error: unknown;
    try {
      new Vault({ name: 'vault', interval: 60, apiKey: KEY });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobConfigError);
    expect((error as JobConfigError).message).toContain('apiKey');
    expect((error as JobConfigError).message).toContain(REDACTED);
    expect((error as JobConfigError).message).not.toContain(KEY);
    expect(JSON.stringify((error as JobConfigError).issues)).not.toContain(KEY);
    const job = new Vault({ name: 'vault', interval: 60 });
    expect(() => (job.password = 42 as unknown as string)).toThrow(JobConfigError);
  });
});
