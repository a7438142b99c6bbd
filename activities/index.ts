import type { TenantScopedDatabase } from '../libs/db';
import { createTicketActivities } from './ticket.activities';

export interface ActivityDependencies {
  db: TenantScopedDatabase;
}

/** Every activity the worker registers, built over its dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createTicketActivities(deps),
  };
}
