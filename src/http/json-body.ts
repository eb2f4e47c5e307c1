/**
 * Reads the small JSON object body of a mutating request (`{ "by": ..., "reason": ... }`),
 * bounded in size: an empty body is `{}`; anything but a JSON object, or more than
 * {@link MAX_JSON_BODY_BYTES}, is a client error naming what is wrong.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-route.js';

/** Largest body a control request may send, in bytes. */
export const MAX_JSON_BODY_BYTES = 4_096;

/** The request's body as a JSON object (`{}` when empty); throws {@link HttpError} 400 or 413. */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_JSON_BODY_BYTES) throw new HttpError(413, `the request body must be at most ${MAX_JSON_BODY_BYTES} bytes, got ${declared}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY_BYTES) throw new HttpError(413, `the request body must be at most ${MAX_JSON_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the request body must be a JSON object: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'the request body must be a JSON object, e.g. {"by":"alice"}');
  return value as Record<string, unknown>;
}

/** The optional string field `field` of `body`; throws {@link HttpError} 400 naming it otherwise. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `body field "${field}" must be a string, got ${typeof value}`);
  return value;
}
