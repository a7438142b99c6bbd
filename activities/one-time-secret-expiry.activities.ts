import { Context } from '@temporalio/activity';
import type { OneTimeSecretExpiryActivities } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import type { OneTimeSecretStore } from '../libs/secrets/one-time-secret-store';
import { customerTenantIds } from '../libs/security/customer-tenants';

export interface OneTimeSecretExpiryActivityDependencies {
  db: TenantScopedDatabase;
  secrets: OneTimeSecretStore;
}

const EXPIRY_ACTOR = 'system:secret-expiry';

export function createOneTimeSecretExpiryActivities({ db, secrets }: OneTimeSecretExpiryActivityDependencies): OneTimeSecretExpiryActivities {
  return {
    /** Tenant by tenant, in each tenant's own context; idempotent, so a retry after a crash just carries on. */
    async destroyExpiredSecrets() {
      const tenants = await customerTenantIds(db.prisma);
      let secretsDestroyed = 0;
      for (const tenantId of tenants) {
        secretsDestroyed += await secrets.destroyExpired(tenantId, EXPIRY_ACTOR);
        Context.current().heartbeat(tenantId);
      }
      return { tenantsSwept: tenants.length, secretsDestroyed };
    },
  };
}
