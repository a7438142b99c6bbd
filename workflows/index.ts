// The worker's workflow bundle: every workflow, one per file.
export * from './ticket-intake.workflow';
