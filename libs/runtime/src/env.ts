/** Reads configuration from the environment, with local defaults. */
export function envString(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isFinite(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function envList(name: string, fallback: string[]): string[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export const DEFAULT_PORTS = {
  gateway: 4000,
  contacts: 4001,
  pipeline: 4002,
  activities: 4003,
  sales: 4004,
  reporting: 4005,
} as const;

export type ServiceName = keyof typeof DEFAULT_PORTS;
export type SubgraphName = Exclude<ServiceName, 'gateway'>;
export const SUBGRAPH_NAMES: SubgraphName[] = ['contacts', 'pipeline', 'activities', 'sales', 'reporting'];

export function databaseUrl(): string {
  return envString('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/crm');
}

export function kafkaBrokers(): string[] {
  return envList('KAFKA_BROKERS', ['127.0.0.1:9092']);
}
