// The `mgrs` package as one module for both builds: Vite loads its ES module (named exports),
// Node and vitest its UMD bundle (one default export).
import * as mgrsModule from 'mgrs';

type Mgrs = typeof mgrsModule;
export const mgrs: Mgrs = (Reflect.get(mgrsModule, 'default') as Mgrs | undefined) ?? mgrsModule;
