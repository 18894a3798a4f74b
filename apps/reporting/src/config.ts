import { createHash } from 'node:crypto';
import { envInt, envString } from '@crm/runtime';

/** Reporting's configuration, from the environment. */
export interface ReportingConfig {
  /** Time zone of the cube's month buckets (a change takes effect after `npm run reporting:rebuild`). */
  cubeTimeZone: string;
  defaultCurrency: string;
  /** Signs export download links. */
  exportSecret: string;
  exportLinkTtlSeconds: number;
  /** Largest export per role (`default` for roles not named). */
  exportRowLimits: Record<string, number>;
  /** Base URL of this service as clients reach it (links point there); default: where it listens. */
  publicUrl: string | null;
  /** How often the cube's pending deltas are folded in. */
  cubeCompactionMs: number;
}

export function reportingConfigFromEnv(): ReportingConfig {
  const jwtSecret = envString('JWT_SECRET', 'dev-only-secret-change-me-in-production-32b');
  return {
    cubeTimeZone: envString('REPORTING_TIME_ZONE', 'UTC'),
    defaultCurrency: envString('DEFAULT_CURRENCY', 'IDR'),
    exportSecret: envString('REPORTING_EXPORT_SECRET', createHash('sha256').update(`reporting-export:${jwtSecret}`).digest('hex')),
    exportLinkTtlSeconds: envInt('REPORTING_EXPORT_LINK_TTL_SECONDS', 900),
    exportRowLimits: {
      admin: envInt('REPORTING_EXPORT_ROW_LIMIT_ADMIN', 1_000_000),
      default: envInt('REPORTING_EXPORT_ROW_LIMIT', 100_000),
    },
    publicUrl: process.env['REPORTING_PUBLIC_URL'] || null,
    cubeCompactionMs: envInt('REPORTING_CUBE_COMPACTION_MS', 250),
  };
}
