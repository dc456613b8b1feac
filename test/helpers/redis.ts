// Redis for tests: each caller starts its own redis-server on a free port (./redisServer.ts),
// without persistence unless asked for AOF, so a test may stop, freeze or restart it without
// touching anyone else's. Without a redis-server binary these tests are skipped locally, never in CI (`CI=true`).
import { spawnSync } from 'node:child_process';

export { freePort, startRedisServer as startTestRedis, type RedisServer as TestRedis } from './redisServer';

export const redisTestsSkipped = process.env.CI !== 'true' && spawnSync('redis-server', ['--version']).status !== 0;
if (redisTestsSkipped) console.log('Redis tests skipped: no redis-server on this machine (apt install redis-server). They always run when CI=true.');
