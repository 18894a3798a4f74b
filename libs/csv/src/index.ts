/** CSV import plumbing shared by the subgraphs' imports: streamed records with their lines, header keys, the import directory. */
export * from './columns';
export * from './records';
export * from './import-dir';
