import { envInt, envString } from '@crm/runtime';

/** Reporting's configuration, from the environment. */
export interface ReportingConfig {
  /** Time zone of the cube's month buckets (a change takes effect after `npm run reporting:rebuild`). */
  cubeTimeZone: string;
  defaultCurrency: string;
}

export function reportingConfigFromEnv(): ReportingConfig {
  return {
    cubeTimeZone: envString('REPORTING_TIME_ZONE', 'UTC'),
    defaultCurrency: envString('DEFAULT_CURRENCY', 'IDR'),
  };
}

export { envInt };
