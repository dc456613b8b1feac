// The REST side: dev identity, cells, health, and the built web client.
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ErrorCode, ProtocolError } from '../../../shared/protocol';
import { idSchema, ROLES } from '../../../shared/protocol';
import type { RestAnswers } from '../../../shared/rest';
import type { DevIdentity } from '../../auth/devIdentity';
import { findPersona, PERSONAS } from '../../auth/personas';
import type { Identity } from '../../auth/verifier';
import { auditActor } from '../../sessions/session';
import type { Context } from '../context';
import { TearlineError, toProtocolError } from '../../errors';
import { parseOrRefuse } from '../../validation';
import { createAuditCursors } from '../../audit/cursor';
import { seated } from '../../exercise/leadership';
import { TEMPLATES } from '../../workspaces/templates';
import { auditFor, figuresFor } from './cellReports';
import { createExercise, startBlankExercise } from './exercises';
import { exportFeatures } from './exportFeatures';
import { exportObject } from './exportObject';
import { cellTracks, featureTrack } from './featureTrack';
import { restLimit } from './rateLimits';
import { createWorkspaceSchema } from '../../workspaces/workspaceService';
import { line } from '../../../shared/text';

const STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  bad_request: 400,
  bad_marking: 400,
  bad_update: 400,
  too_large: 413,
  rate_limited: 429,
  conflict: 409,
  unavailable: 503,
  internal: 500,
  suggest_only: 403,
};

const devTokenSchema = z.strictObject({
  persona: line().min(1).max(64),
  expiresInSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
  /** Development only: the same persona with changed attributes (to rehearse a clearance change). */
  overrides: z
    .strictObject({
      nation: z.string().regex(/^[A-Z]{3}$/).optional(),
      clearance: line().min(1).max(32).optional(),
      compartments: z.array(line().max(16)).max(32).optional(),
      roles: z.array(z.enum(ROLES)).optional(),
    })
    .optional(),
});

/** Faults in the request itself that express or its body parser found: the sender's, not ours. */
function requestFault(error: unknown): ProtocolError | undefined {
  // The router throws URIError when a path parameter has a malformed %-escape.
  if (error instanceof URIError) return { code: 'bad_request', message: 'The address is not valid: it has a malformed %-escape.' };
  switch ((error as { type?: unknown }).type) {
    case 'entity.parse.failed':
      return { code: 'bad_request', message: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { code: 'too_large', message: 'The request body is too large.' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { code: 'bad_request', message: 'Send the request body as JSON in UTF-8, uncompressed or gzip/deflate.' };
    default:
      return undefined;
  }
}

type Handler = (req: Request, res: Response) => Promise<unknown>;

/** Wraps an async route: a thrown TearlineError becomes `{ error: { code, message } }`. */
function route(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

/** The request's bearer identity, verified once per request (the rate limit and the route both ask). */
export function bearer(ctx: Context) {
  const verified = new WeakMap<Request, Promise<Identity>>();
  const verify = async (req: Request): Promise<Identity> => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match) throw new TearlineError('unauthorized', 'Sign in first: send your token as "Authorization: Bearer …".');
    return ctx.verify(match[1]!);
  };
  return (req: Request): Promise<Identity> => {
    let identity = verified.get(req);
    if (!identity) {
      identity = verify(req);
      verified.set(req, identity);
    }
    return identity;
  };
}

export function createHttpApp(ctx: Context, dev: DevIdentity | undefined): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const identify = bearer(ctx);
  const cursors = createAuditCursors();
  const { httpPerMinute, httpHeavyPerMinute, devTokensPerMinute } = ctx.config;
  // Before the body parser: a flood is refused before its bodies are read.
  app.use('/api', restLimit({ name: 'api', what: 'requests', perMinute: httpPerMinute }, identify, ctx.restCounters));
  // Each export appends an fsynced audit entry; audit pages and figures read the whole cell.
  const heavy = restLimit({ name: 'heavy', what: 'exports, audit pages and figures', perMinute: httpHeavyPerMinute }, identify, ctx.restCounters);
  app.use(express.json({ limit: '256kb' }));

  // 200 while the node serves, whatever its storage: reading goes on when the disk is full. The
  // exact free bytes are for operators (the metrics listener): on this public port they would
  // show how much is being written, hidden objects included.
  app.get(
    '/healthz',
    route(async (_req, res) => {
      res.json({ ok: true, storage: await ctx.storage.status() });
    }),
  );
  // Metrics are for operators, on their own listener (server/metrics/metrics.ts): never on this port.
  app.all('/metrics', (_req, _res, next) => next(new TearlineError('not_found', 'Metrics are not served on this port.')));

  // Read by the web client before sign-in: it shows a strip on every screen while anyone can sign in as anyone.
  app.get('/api/config', (_req, res) => {
    const node = ctx.config.redisUrl !== undefined ? { node: ctx.config.nodeId } : {};
    res.json({ devIdentity: dev !== undefined, ...node } satisfies RestAnswers['GET /api/config']);
  });
  if (dev) {
    app.get('/api/dev/personas', (_req, res) => {
      res.json({ personas: PERSONAS } satisfies RestAnswers['GET /api/dev/personas']);
    });
    app.post(
      '/api/dev/token',
      restLimit({ name: 'dev-token', what: 'sign-ins', perMinute: devTokensPerMinute }, identify, ctx.restCounters),
      route(async (req, res) => {
        const body = parseOrRefuse(devTokenSchema, req.body);
        const persona = findPersona(body.persona);
        if (!persona) throw new TearlineError('not_found', `There is no demo persona "${body.persona}".`);
        const { id, ...attributes } = persona;
        const token = await dev.issue({ sub: id, ...attributes, ...body.overrides }, body.expiresInSeconds);
        res.json({ token } satisfies RestAnswers['POST /api/dev/token']);
      }),
    );
  }

  app.get('/api/workspace-templates', (_req, res) => {
    res.json({ templates: TEMPLATES } satisfies RestAnswers['GET /api/workspace-templates']);
  });
  app.get(
    '/api/workspaces',
    route(async (req, res) => {
      const identity = await identify(req);
      // An exercise cell is listed only once its join gate lets the person in (server/exercise/seats.ts).
      const cells = await ctx.workspaces.listFor(identity);
      const open = await Promise.all(cells.map((cell) => seated(ctx, cell, identity.sub)));
      res.json({ workspaces: cells.filter((_, i) => open[i]) } satisfies RestAnswers['GET /api/workspaces']);
    }),
  );
  app.post(
    '/api/workspaces',
    route(async (req, res) => {
      const identity = await identify(req);
      if (!identity.roles.some((role) => role === 'editor' || role === 'admin')) {
        throw new TearlineError('forbidden', 'Only editors and administrators may spin up a cell.');
      }
      const workspace = await ctx.workspaces.create(parseOrRefuse(createWorkspaceSchema, req.body), identity);
      await ctx.audit.append({
        workspaceId: workspace.id,
        actor: auditActor({ identity }),
        action: 'workspace.create',
        detail: {
          name: workspace.name,
          members: workspace.members,
          exercise: workspace.exercise,
          autoRelease: workspace.releasePolicy.autoRelease,
          autoReleaseNations: workspace.releasePolicy.autoReleaseNations,
        },
      });
      if (workspace.exercise) await startBlankExercise(ctx, workspace);
      res.status(201).json({ workspace } satisfies RestAnswers['POST /api/workspaces']);
    }),
  );
  app.post(
    '/api/exercises',
    route(async (req, res) => {
      res.status(201).json({ exercise: await createExercise(ctx, await identify(req), req.body) } satisfies RestAnswers['POST /api/exercises']);
    }),
  );
  // A read of a cell holds it in memory while it runs (server/workspaces/idleCells.ts): a copy let go
  // meanwhile would no longer be kept current by the relay, and could answer what a re-mark elsewhere
  // took away.
  // On a node behind on the relay, a loaded cell is read again from PostgreSQL first (server/relay/readGate.ts).
  const holding = <T>(req: Request, read: () => Promise<T>): Promise<T> =>
    ctx.cells.using(String(req.params.id), async () => {
      const cell = ctx.readGate && (await ctx.cells.loaded(String(req.params.id)));
      if (cell) await ctx.readGate!.ready(cell);
      return read();
    });
  // Ids in addresses are checked as in payloads, before anything looks them up (PostgreSQL refuses U+0000).
  for (const name of ['id', 'objectId']) {
    app.param(name, (_req, _res, next, value: unknown) => {
      try {
        parseOrRefuse(idSchema, value);
        next();
      } catch (error) {
        next(error);
      }
    });
  }
  app.get(
    '/api/workspaces/:id/audit',
    heavy,
    route(async (req, res) => {
      res.json(await holding(req, async () => auditFor(ctx, cursors, await identify(req), String(req.params.id), req.query)));
    }),
  );
  app.get(
    '/api/workspaces/:id/figures',
    heavy,
    route(async (req, res) => {
      res.json(await holding(req, async () => figuresFor(ctx, await identify(req), String(req.params.id))));
    }),
  );
  app.get(
    '/api/workspaces/:id/objects/:objectId/export',
    heavy,
    route(async (req, res) => {
      const text = await holding(req, async () => exportObject(ctx, await identify(req), String(req.params.id), String(req.params.objectId)));
      res.type('text/plain; charset=utf-8').send(text);
    }),
  );
  app.get(
    '/api/workspaces/:id/features.:format',
    heavy,
    route(async (req, res) => {
      const format = req.params.format;
      if (format !== 'kml' && format !== 'geojson') throw new TearlineError('not_found', 'Features export as .geojson or .kml.');
      const text = await holding(req, async () => exportFeatures(ctx, await identify(req), String(req.params.id), format));
      res.type(format === 'kml' ? 'application/vnd.google-earth.kml+xml' : 'application/geo+json').send(text);
    }),
  );
  app.get(
    '/api/workspaces/:id/objects/:objectId/track',
    heavy,
    route(async (req, res) => {
      res.json(await holding(req, async () => featureTrack(ctx, await identify(req), String(req.params.id), String(req.params.objectId))));
    }),
  );
  app.get(
    '/api/workspaces/:id/tracks',
    heavy,
    route(async (req, res) => {
      res.json(await holding(req, async () => cellTracks(ctx, await identify(req), String(req.params.id))));
    }),
  );
  app.use('/api', (_req, _res, next) => next(new TearlineError('not_found', 'No such API route.')));

  if (fs.existsSync(path.join(ctx.config.staticDir, 'index.html'))) {
    app.use(express.static(ctx.config.staticDir, { index: 'index.html' }));
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(path.join(ctx.config.staticDir, 'index.html')));
  }

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const body = requestFault(error) ?? toProtocolError(error);
    if (body.code === 'internal') ctx.log.error({ err: error }, 'request failed');
    res.status(STATUS[body.code]).json({ error: body });
  });
  return app;
}
