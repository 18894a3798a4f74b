export * from './ids';
export * from './env';
export * from './clock';
export * from './logger';
