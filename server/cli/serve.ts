// `npm start` / `npx tearline serve`: one node with the settings from the environment.
import { startServer } from '../app';

export async function run(): Promise<number> {
  const server = await startServer();
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Keep running until a signal arrives.
  await new Promise(() => undefined);
  return 0;
}
