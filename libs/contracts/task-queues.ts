/**
 * The default task queue. TEMPORAL_TASK_QUEUE replaces it for the worker and the API together (both read
 * AppConfig.temporal.taskQueue), so a workflow is always started where a worker polls.
 */
export const CUSTODIAN_TASK_QUEUE = 'custodian';
