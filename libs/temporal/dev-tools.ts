// Development and test tooling: the Temporal CLI and its dev server, the Temporal server run as a cluster on
// PostgreSQL, the Web UI server and the time-skipping test server, built into the tool cache. Kept apart from the
// runtime barrel (index.ts), so the API and the worker never load child-process and tool-cache code by importing
// the codec.
export * from './temporal-cli';
export * from './dev-server';
export * from './temporal-server-build';
export * from './temporal-cluster';
export * from './temporal-server-kind';
export * from './temporal-ui-server';
export * from './time-skipping-server';
