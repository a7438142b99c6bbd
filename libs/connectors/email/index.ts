export * from './notifier';
export * from './delivery-log';
export * from './outbox-notifier';
export * from './smtp-notifier';
export * from './create-notifier';
