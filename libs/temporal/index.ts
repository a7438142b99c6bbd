export * from './temporal-cli';
export * from './dev-server';
export * from './temporal-ui-server';
export * from './time-skipping-server';
export * from './payload-codec';
export * from './data-converter';
