// What the API and the worker use at run time; development tooling is in ./dev-tools.
export * from './payload-codec';
export * from './data-converter';
