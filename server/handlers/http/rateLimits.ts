// REST budgets (express-rate-limit), counted per person when the request carries a valid token,
// else per address: a person's budget is not shared with an office behind one NAT, and a forged
// token buys nothing. Beyond a budget: 429, the contract's error body and Retry-After. With
// several nodes the counts are kept in Redis (`counters`), so a person has one budget whichever
// node answers; while Redis is away each request passes rather than fail (a budget, not a guard).
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Identity } from '../../auth/verifier';
import { TearlineError } from '../../errors';

export interface RestBudget {
  /** Names the budget in the RateLimit headers. */
  name: string;
  /** What is counted, in the plural, as the refusal says it ("exports, audit pages and figures"). */
  what: string;
  perMinute: number;
}

/** Where a budget's counts are kept, shared by every node (undefined: in this node's memory). */
export type RestCounters = ((budgetName: string) => Store) | undefined;

export function restLimit(budget: RestBudget, identify: (req: Request) => Promise<Identity>, counters?: RestCounters): RequestHandler {
  return rateLimit({
    ...(counters ? { store: counters(budget.name), passOnStoreError: true } : {}),
    windowMs: 60_000,
    limit: budget.perMinute,
    identifier: budget.name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: async (req) => {
      const identity = await identify(req).catch(() => undefined);
      return identity ? `sub:${identity.sub}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    // Retry-After is set by then; the refusal names the same wait.
    handler: (_req, res, next) => {
      next(
        new TearlineError(
          'rate_limited',
          `Too many ${budget.what}: at most ${budget.perMinute} a minute. Try again in ${String(res.getHeader('Retry-After'))} seconds.`,
        ),
      );
    },
  });
}
