/**
 * The runner's endpoints in a plain `node:http` server that also serves the application:
 * requests under `/jobs` go to the handler, the rest to the application.
 *
 *   npm run build && npx tsx examples/mount/node-http.ts
 */
import { createServer } from 'node:http';
import { createRequestHandler, dashboardRoutes, JobRunner } from 'eleanor-jobs';
import { heartbeat } from '../basic.js';

const runner = new JobRunner(); // history in memory
runner.add(heartbeat);
const jobs = createRequestHandler(runner, { prefix: '/jobs', routes: dashboardRoutes() });

const server = createServer((request, response) => {
  // The handler calls `next` for paths outside its prefix.
  jobs(request, response, () => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('the application; jobs at /jobs/\n');
  });
});
server.listen(3000, '127.0.0.1', () => console.log('http://127.0.0.1:3000/jobs/'));
await runner.start();
