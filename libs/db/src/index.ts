export * from './data-source';
export * from './database';
export * from './query-counter';
export * from './load-by-ids';
export * from './background';
export * from './audited-entity';
export * from './pipelined-transaction';
