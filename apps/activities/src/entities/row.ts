/** A row as `manager.query` returns it (snake_case columns, pg-parsed values). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;
