export * from './test-env';
export * from './client';
export * from './tokens';
export * from './eventually';
export * from './topic-reader';
export * from './stack';
export * from './private-broker';
export * from './smtp-sink';
