import { envInt, envString } from '@crm/runtime';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './operation-limits';
import type { RateLimitSettings } from './rate-limiter';

/** Everything the gateway enforces before a request reaches a subgraph. */
export interface HardeningSettings {
  limits: OperationLimits;
  /** Lexical tokens in one document: bounds parsing and validation work. */
  maxTokens: number;
  /** Operations in one batched HTTP request (a JSON array). */
  maxBatch: number;
  /** Largest request body, bytes. */
  bodyLimitBytes: number;
  /** Per caller; `perSecond: 0` turns it off. */
  rateLimit: RateLimitSettings;
  /** Deadline of each subgraph request. */
  subgraphTimeoutMs: number;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
}

export const DEFAULT_HARDENING: HardeningSettings = {
  limits: DEFAULT_OPERATION_LIMITS,
  maxTokens: 10_000,
  maxBatch: 10,
  bodyLimitBytes: 1_000_000,
  rateLimit: { perSecond: 50, burst: 500 },
  subgraphTimeoutMs: 10_000,
  trustProxy: false,
};

export function hardeningFromEnv(): HardeningSettings {
  const d = DEFAULT_HARDENING;
  return {
    limits: {
      maxDepth: envInt('GATEWAY_MAX_DEPTH', d.limits.maxDepth),
      maxAliases: envInt('GATEWAY_MAX_ALIASES', d.limits.maxAliases),
      maxDirectives: envInt('GATEWAY_MAX_DIRECTIVES', d.limits.maxDirectives),
      maxCost: envInt('GATEWAY_MAX_COST', d.limits.maxCost),
    },
    maxTokens: envInt('GATEWAY_MAX_TOKENS', d.maxTokens),
    maxBatch: envInt('GATEWAY_MAX_BATCH', d.maxBatch),
    bodyLimitBytes: envInt('GATEWAY_BODY_LIMIT_BYTES', d.bodyLimitBytes),
    rateLimit: { perSecond: envInt('RATE_LIMIT_PER_SECOND', d.rateLimit.perSecond), burst: envInt('RATE_LIMIT_BURST', d.rateLimit.burst) },
    subgraphTimeoutMs: envInt('SUBGRAPH_TIMEOUT_MS', d.subgraphTimeoutMs),
    trustProxy: envString('TRUST_PROXY', '0') === '1',
  };
}
