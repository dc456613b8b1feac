// `npx tearline <command>`: one dispatcher, each command in its own module with `run(args)`.
// Only what a production install (no dev dependencies) can run: the benchmark, which needs the
// baseline servers, is its own entry (`npm run bench`, bench/run.ts).
const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  serve: () => import('./serve'),
  marking: () => import('./marking'),
  audit: () => import('./audit'),
  migrate: () => import('./migrate'),
};

const [commandName = 'help', ...args] = process.argv.slice(2);
const load = commands[commandName];
if (!load) {
  console.log(`usage: tearline <${Object.keys(commands).join('|')}> [args]`);
  process.exitCode = commandName === 'help' ? 0 : 2;
} else {
  const command = await load();
  const code = await command.run(args);
  if (code !== 0) process.exitCode = code;
}

export {};
