export * from './audit-writer';
export * from './audit-once';
export * from './audit-event-hash';
export * from './audit-chain-verifier';
export * from './audit-trail';
export * from './audit-export';
export * from './canonical-json';
