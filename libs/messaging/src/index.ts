export * from './config';
export * from './kafka';
export * from './tables';
export * from './outbox';
export * from './relay';
export * from './consumer';
