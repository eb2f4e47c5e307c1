import { request } from 'node:http';

/** What {@link rawRequest} got back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request through node's client, which (unlike fetch) sends any `Host` header and
 * reads the answer to `HEAD` as it is. A streaming answer is cut after its headers when
 * `headersOnly` is set.
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; headersOnly?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, timeout: 10_000 }, (response) => {
      const answer = { status: response.statusCode ?? 0, headers: response.headers };
      if (options.headersOnly === true) {
        response.destroy();
        resolve({ ...answer, body: '' });
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ ...answer, body }));
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${url} within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}
