export * from './claims';
export * from './jwt';
export * from './context';
export * from './scope';
export * from './branch';
export * from './service-token';
export * from './contact-scope';
export * from './access-change';
