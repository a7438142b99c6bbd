// The worker's workflow bundle: every workflow, one per file.
export * from './ticket-intake.workflow';
export * from './vulnerability-report.workflow';
export * from './breach-notification.workflow';
export * from './tenant-deletion.workflow';
export * from './export.workflow';
export * from './password-reset.workflow';
export * from './account-unlock.workflow';
export * from './access-change.workflow';
export * from './one-time-secret-expiry.workflow';
export * from './jira-sync.workflow';
export * from './jira-disconnect.workflow';
export * from './retention.workflow';
