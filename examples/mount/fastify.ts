/**
 * The runner's API, live events and dashboard inside an existing Fastify app, under `/jobs`.
 * Fastify hands the raw node request and response over with `reply.hijack()`.
 * Dashboard: http://127.0.0.1:3000/jobs/
 *
 *   npm run build && npx tsx examples/mount/fastify.ts
 */
import Fastify from 'fastify';
import { createRequestHandler, dashboardRoutes, JobRunner } from 'eleanor-jobs';
import { SqliteStore } from 'eleanor-jobs/sqlite';
import { heartbeat } from '../basic.js';

const runner = new JobRunner({ store: new SqliteStore({ path: './.eleanor/jobs.db' }) });
runner.add(heartbeat);
const jobs = createRequestHandler(runner, { prefix: '/jobs', token: process.env.ELEANOR_TOKEN ?? null, routes: dashboardRoutes() });

const app = Fastify();
app.get('/', async () => 'the application; jobs at /jobs/');
// Every method on /jobs and below goes to the handler, unparsed (it reads what it needs itself).
for (const url of ['/jobs', '/jobs/*']) {
  app.all(url, (request, reply) => {
    reply.hijack();
    jobs(request.raw, reply.raw);
  });
}
app.addHook('onClose', async () => jobs.close());

await app.listen({ port: 3000, host: '127.0.0.1' });
await runner.start();

process.once('SIGTERM', () => {
  void app.close().then(() => runner.stop());
});
