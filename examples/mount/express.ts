/**
 * The runner's API, live events and dashboard inside an existing Express app, under `/jobs`
 * (the app keeps every other path). Dashboard: http://127.0.0.1:3000/jobs/
 *
 *   npm run build && npx tsx examples/mount/express.ts
 */
import express from 'express';
import { createRequestHandler, dashboardRoutes, JobRunner } from 'eleanor-jobs';
import { SqliteStore } from 'eleanor-jobs/sqlite';
import { heartbeat } from '../basic.js';

const runner = new JobRunner({ store: new SqliteStore({ path: './.eleanor/jobs.db' }) });
runner.add(heartbeat);

// `prefix` must be the mount path: the dashboard and redirects are built from it.
const jobs = createRequestHandler(runner, {
  prefix: '/jobs',
  token: process.env.ELEANOR_TOKEN ?? null, // enables trigger/pause/resume (Bearer auth)
  routes: dashboardRoutes(),
  allowedHosts: ['localhost', '127.0.0.1'], // the Host check startHttpServer does on loopback
});

const app = express();
app.get('/', (_request, response) => {
  response.send('the application; jobs at /jobs/');
});
app.use('/jobs', jobs); // or app.use(jobs): requests outside /jobs go on to the next middleware

const server = app.listen(3000, '127.0.0.1', () => console.log('http://127.0.0.1:3000/jobs/'));
await runner.start();

process.once('SIGTERM', () => {
  jobs.close(); // ends the live event streams, so the server can close
  server.close();
  void runner.stop();
});
