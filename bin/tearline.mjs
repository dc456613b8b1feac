#!/usr/bin/env node
// Entry point for `npx tearline …` and `npm start`: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
