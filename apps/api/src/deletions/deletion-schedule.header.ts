/** On every response to a tenant pending deletion: when its grace period ends (ISO 8601). */
export const DELETION_SCHEDULE_HEADER = 'Custodian-Tenant-Deletion-Scheduled-At';
