export * from './errors';
export * from './scalars';
export * from './pagination';
export * from './merge-resolvers';
