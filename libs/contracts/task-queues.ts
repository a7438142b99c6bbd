/** The one task queue the Custodian worker polls; the API starts every workflow on it. */
export const CUSTODIAN_TASK_QUEUE = 'custodian';
