export * from './http';
export * from './subgraph';
export * from './main';
export * from './newest-first';
export * from './admission';
export * from './denied-attempts';
export * from './import-cli';
export * from './access-changes';
