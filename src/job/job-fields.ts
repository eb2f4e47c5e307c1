/**
 * The data model of every job: the seed's `BaseJob` fields (camelCase, durations in seconds)
 * plus the operator options of eleanor-jobs. Each field is a zod schema carrying its JSON
 * Schema title and description; `readOnly: true` marks a frozen field (assigning it throws
 * `TypeError`). Subclasses add fields by spreading {@link baseJobFields} into their own
 * `static fields`.
 */
import { z } from 'zod';
import { forbiddenNameCharacter } from '../store/name-characters.js';

/** Seconds, as every public duration of eleanor-jobs: finite, `>= 0`, fractions allowed. */
const seconds = () => z.number().nonnegative();

/** Exponential backoff of the retry wait; see {@link baseJobFields}.retryBackoff. */
export const retryBackoffSchema = z
  .strictObject({
    factor: z.number().min(1).default(2).meta({
      title: 'Backoff Factor',
      description: 'Each consecutive failure multiplies the previous wait by this factor (>= 1).',
    }),
    max: seconds().default(3600).meta({
      title: 'Maximum Wait',
      description: 'Upper bound of the retry wait, in seconds.',
    }),
    jitter: z.number().min(0).max(1).default(0).meta({
      title: 'Backoff Jitter',
      description: 'Fraction of each wait (0 to 1) that is randomised downwards, to spread retries of many replicas.',
    }),
  })
  .meta({ title: 'Retry Backoff' });

/** Memory and stack limits of a job's worker thread (`isolation: 'thread'`), in megabytes. */
export const resourceLimitsSchema = z
  .strictObject({
    maxOldGenerationSizeMb: z.number().positive().optional().meta({ description: 'Main heap size limit, MB.' }),
    maxYoungGenerationSizeMb: z.number().positive().optional().meta({ description: 'Young generation size limit, MB.' }),
    codeRangeSizeMb: z.number().positive().optional().meta({ description: 'Pre-allocated code range, MB.' }),
    stackSizeMb: z.number().positive().optional().meta({ description: 'Default thread stack size, MB.' }),
  })
  .meta({ title: 'Worker Resource Limits' });

/** The fields every job has. Frozen unless stated; see the seed for their meaning. */
export const baseJobFields = {
  name: z
    .string()
    .trim()
    .min(1)
    .superRefine((name, context) => {
      const forbidden = forbiddenNameCharacter(name);
      if (forbidden !== null) context.addIssue({ code: 'custom', message: `must not contain control characters (${forbidden})` });
    })
    .meta({
    title: 'Job Name',
    description: 'Name of the job, used to identify the job worker and the job activities in the logs.',
    readOnly: true,
  }),
  cron: z.string().nullable().default(null).meta({
    title: 'Trigger Cron Expression',
    description:
      "Cron expression used to trigger when the job is invoked, this field is mutually exclusive with 'interval'. See: https://en.wikipedia.org/wiki/Cron",
    readOnly: true,
  }),
  interval: seconds().nullable().default(null).meta({
    title: 'Trigger Interval',
    description:
      "Interval in seconds to trigger the job. This field is mutually exclusive with 'cron'. An interval value of 0 will cause the job to trigger without a wait time in between executions.",
    readOnly: true,
  }),
  retryWait: seconds().default(10).meta({
    title: 'Retry Wait Time',
    description:
      'If an error is raised at any point in the job loop this is the wait time in seconds before the job will attempt to restart.',
    readOnly: true,
  }),
  triggerCount: z.number().int().nonnegative().default(0).meta({
    title: 'Trigger Counter',
    description: 'Indicates the number of times the job has been triggered.',
  }),
  triggerOnStart: z.boolean().default(false).meta({
    title: 'Trigger on Startup',
    description:
      'If True, the job will trigger immediately upon startup instead of waiting for the next trigger interval.',
    readOnly: true,
  }),
  timezone: z.string().min(1).nullable().default(null).meta({
    title: 'Time Zone',
    description: "IANA time zone in which 'cron' is evaluated; null means the process's time zone.",
    readOnly: true,
  }),
  misfire: z.enum(['once', 'all', 'skip']).default('once').meta({
    title: 'Misfire Policy',
    description:
      "What a cron job does with ticks it missed (busy, blocked or asleep): 'once' runs once, late, for the newest; 'all' runs each in order up to 'maxCatchUp'; 'skip' runs none.",
    readOnly: true,
  }),
  maxCatchUp: z.number().int().min(1).default(100).meta({
    title: 'Maximum Catch-up Runs',
    description: "With misfire 'all', the most missed ticks run at once; older ones are dropped with a warning.",
    readOnly: true,
  }),
  misfireGrace: seconds().nullable().default(null).meta({
    title: 'Misfire Grace Time',
    description: 'Missed ticks older than this many seconds are dropped instead of run; null keeps them all.',
    readOnly: true,
  }),
  timeout: z.number().positive().nullable().default(null).meta({
    title: 'Execution Timeout',
    description:
      "Seconds an execution may run before its signal is aborted; it then fails with a timeout error and the job retries after 'retryWait'. null means no limit.",
    readOnly: true,
  }),
  retryBackoff: retryBackoffSchema.nullable().default(null).meta({
    title: 'Retry Backoff',
    description:
      "Exponential backoff of 'retryWait' across consecutive failures; the wait returns to 'retryWait' after a successful execution. null keeps the fixed wait.",
    readOnly: true,
  }),
  jitter: seconds().default(0).meta({
    title: 'Trigger Jitter',
    description: 'A random delay in [0, jitter) seconds added to each scheduled trigger, to spread load.',
    readOnly: true,
  }),
  isolation: z.enum(['inline', 'thread']).default('inline').meta({
    title: 'Isolation',
    description:
      "'inline' runs the hooks on the main event loop; 'thread' runs them in a dedicated worker thread, so CPU-heavy work cannot stall other jobs and a crash stays the job's own error.",
    readOnly: true,
  }),
  stopGrace: seconds().default(10).meta({
    title: 'Stop Grace Time',
    description: "With isolation 'thread': seconds a worker may take to finish after a stop request before it is terminated.",
    readOnly: true,
  }),
  resourceLimits: resourceLimitsSchema.nullable().default(null).meta({
    title: 'Worker Resource Limits',
    description: "With isolation 'thread': memory and stack limits of the worker thread; exceeding them is an error of the job.",
    readOnly: true,
  }),
} as const;

/** A field schema as subclasses declare it: any zod schema, with `.meta()` for docs. */
export type FieldSchema = z.ZodType;

/** A record of field schemas: the shape of a job's data model. */
export type JobFieldShape = Readonly<Record<string, FieldSchema>>;

/** Worker thread limits after validation. */
export type ResourceLimits = z.output<typeof resourceLimitsSchema>;

/** Backoff settings after defaults. */
export type RetryBackoff = z.output<typeof retryBackoffSchema>;

/** The validated values of the base fields. */
export type BaseJobModel = { -readonly [K in keyof typeof baseJobFields]: z.output<(typeof baseJobFields)[K]> };

/** The configuration a job accepts: base fields (all optional but `name`) as written by users. */
export type BaseJobConfig = { [K in keyof typeof baseJobFields]?: z.input<(typeof baseJobFields)[K]> } & {
  readonly name: string;
};
