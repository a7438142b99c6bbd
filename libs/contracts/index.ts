export * from './task-queues';
export * from './search-attributes';
export * from './tickets';
export * from './ticket-intake';
