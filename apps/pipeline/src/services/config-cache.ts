/**
 * A process-wide cache of configuration read by the opportunity use cases, each entry tagged
 * with the version counter (pipeline.config_version, pipeline.scoring_version) it was read
 * under; a reader only takes an entry of the version it observed in its own transaction.
 */
export class ConfigCache {
  private readonly entries = new Map<string, { version: string; value: unknown }>();

  get<T>(key: string, version: string): T | undefined {
    const entry = this.entries.get(key);
    return entry && entry.version === version ? (entry.value as T) : undefined;
  }

  set(key: string, version: string, value: unknown): void {
    this.entries.set(key, { version, value });
  }
}
