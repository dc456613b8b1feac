// The one-way rules of the code (docs/server.md, "Layers"), checked in `npm test`
// (test/unit/dependencies-direction.test.ts): a cycle or an import against the grain fails it.
//   server/handlers  (sockets, HTTP requests, the whole Context)
//     -> domain: objects, rooms, workspaces, release, audit, sessions, auth, figures, metrics, relay
//       -> store, and server/{errors,validation,config}.ts
//         -> shared/   (imports nothing of server/ or client/)
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle ties its modules into one: none may be understood, tested or replaced alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-self-contained',
      severity: 'error',
      comment: 'shared/ is read by the server and the browser alike: it imports neither.',
      from: { path: '^shared/' },
      to: { path: '^(server|client|bench|test)/' },
    },
    {
      name: 'client-never-imports-server',
      severity: 'error',
      comment: 'The browser gets what both sides hold from shared/, never server code.',
      from: { path: '^client/' },
      to: { path: '^(server|bench|test)/' },
    },
    {
      name: 'server-never-imports-bench-test-client',
      severity: 'error',
      comment: 'The shipped server (and its CLI) runs on a production install: no dev-only code.',
      from: { path: '^(server|bin)/' },
      to: { path: '^(bench|test|client)/' },
    },
    {
      name: 'only-the-composition-root-imports-handlers',
      severity: 'error',
      comment: 'Domain modules take narrow dependencies and never reach back up to the handler layer (sockets, requests, Context); only the entry points (app.ts, the CLI) assemble it.',
      from: { path: '^server/', pathNot: '^server/(handlers/|app\\.ts$|cli/)' },
      to: { path: '^server/(handlers/|app\\.ts$)' },
    },
    {
      name: 'store-is-below-the-domain',
      severity: 'error',
      comment: 'Storage knows records, not cells, objects in memory, rooms or sessions (release/policy.ts is pure rules for stored policies).',
      from: { path: '^server/store/' },
      to: { path: '^server/(objects|rooms|workspaces|sessions|audit|auth|figures|metrics|relay|cli)/' },
    },
    {
      name: 'foundations-import-no-domain',
      severity: 'error',
      comment: 'errors, validation and config are used everywhere, so they use nothing of the domain.',
      from: { path: '^server/(errors|validation|config)\\.ts$' },
      to: { path: '^server/(?!(errors|validation|config)\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
