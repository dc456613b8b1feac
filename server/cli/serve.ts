// `npm start` / `npx tearline serve`: one node with the settings from the environment.
import { startServer } from '../app';
import { ConfigError } from '../config';

export async function run(): Promise<number> {
  let server;
  try {
    server = await startServer();
  } catch (error) {
    // A setting to change: the sentence says which; a stack trace would only bury it.
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Tearline did not start: ${error.message}`);
    return 1;
  }
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Keep running until a signal arrives.
  await new Promise(() => undefined);
  return 0;
}
