export * from './prisma-client';
export * from './tenant-scoped-database';
export * from './security-self-check';
export * from './migration-runner';
export * from './database-provisioning';
export * from './tenant-tables';
