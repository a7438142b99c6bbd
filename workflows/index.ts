// The worker's workflow bundle: every workflow, one per file.
export * from './ticket-intake.workflow';
export * from './vulnerability-report.workflow';
export * from './breach-notification.workflow';
export * from './tenant-deletion.workflow';
export * from './export.workflow';
