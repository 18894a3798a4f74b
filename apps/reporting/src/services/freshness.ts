import type { DataSource } from 'typeorm';

/**
 * The time of the newest event applied from any of `topics` (the inbox records every applied
 * event with its time; an index on (topic, event_time) makes this a few index probes).
 */
export async function newestEventAt(dataSource: DataSource, topics: readonly string[]): Promise<Date | null> {
  const [row] = await dataSource.query(
    `SELECT max(x.t) AS newest FROM unnest($1::text[]) AS s(topic)
     CROSS JOIN LATERAL (SELECT i.event_time AS t FROM reporting.inbox i WHERE i.topic = s.topic ORDER BY i.event_time DESC LIMIT 1) x`,
    [topics],
  );
  return row?.newest ?? null;
}
