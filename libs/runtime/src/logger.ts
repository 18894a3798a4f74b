import pino, { type Logger } from 'pino';
import { envString } from './env';

export type { Logger };

/** JSON logs (pino); LOG_LEVEL sets the level (tests default to fatal: assertions speak for themselves). */
export function createLogger(name: string): Logger {
  const fallback = process.env['JEST_WORKER_ID'] ? 'fatal' : 'info';
  return pino({ name, level: envString('LOG_LEVEL', fallback), base: { service: name } });
}
