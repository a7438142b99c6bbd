import { ApplicationFailure } from '@temporalio/activity';
import { appendAuditEventOnce } from '../libs/audit';
import type { Notifier } from '../libs/connectors/email';
import type { BreachActivities } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import { incidentEscalationNotice, regulatorBreachNotice, tenantBreachNotice } from '../libs/security/breach-notices';
import { customerTenantIds, knownCustomerTenantIds } from '../libs/security/customer-tenants';
import type { SecurityDeskConfig } from '../libs/security/security-desk-config';
import { SECURITY_TENANT_ID, withSecurityTenant } from '../libs/security/security-tenant';
import { createSecurityDeskNotices, deliver, evidence, receipt } from './security-desk-notices';

export interface BreachActivityDependencies {
  db: TenantScopedDatabase;
  notifier: Notifier;
  securityDesk: SecurityDeskConfig;
}

const ACTOR = 'workflow:breach-notification';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createBreachActivities({ db, notifier, securityDesk }: BreachActivityDependencies): BreachActivities {
  const deskNotices = createSecurityDeskNotices({ db, notifier });
  return {
    async resolveAffectedTenants(selection) {
      if (selection === 'all') return { tenantIds: await customerTenantIds(db.prisma), unknownTenantIds: [] };
      const requested = [...new Set(selection)];
      const malformed = requested.find((id) => !UUID.test(id));
      if (malformed !== undefined) throw ApplicationFailure.nonRetryable(`not a tenant id: ${malformed}`, 'InvalidTenantIdError');
      const known = new Set(await knownCustomerTenantIds(db.prisma, requested));
      return { tenantIds: requested.filter((id) => known.has(id)), unknownTenantIds: requested.filter((id) => !known.has(id)) };
    },

    async recordIncidentEvent(event) {
      const audited = { actor: event.actor, action: event.action, target: event.incidentRef, outcome: event.outcome, details: event.details };
      await withSecurityTenant(db, (tx) => appendAuditEventOnce(tx, SECURITY_TENANT_ID, event.eventKey, audited));
      if (event.tenantId) {
        const tenantId = event.tenantId;
        await db.withTenant(tenantId, (tx) => appendAuditEventOnce(tx, tenantId, event.eventKey, audited));
      }
    },

    async sendIncidentEscalation(escalation) {
      const delivery = await deskNotices.send(
        {
          deliveryKey: `breach/${escalation.incidentRef}/escalation/${escalation.sequence}`,
          kind: 'breach.escalation',
          recipients: [...new Set([escalation.ownerEmail, ...securityDesk.escalation])],
          ...incidentEscalationNotice(escalation),
        },
        {
          actor: ACTOR,
          action: 'incident.escalation_sent',
          target: escalation.incidentRef,
          details: { reason: escalation.reason, sequence: escalation.sequence, outstanding: escalation.outstanding },
        },
      );
      return receipt(delivery);
    },

    /**
     * The notice goes to the tenant's notice contacts and lands in its notifications and its audit trail, all
     * in the tenant's own context, so the tenant's admins and auditors see it in their export.
     */
    async sendTenantBreachNotice({ tenantId, content }) {
      const { tenant, contacts } = await db.withTenant(tenantId, async (tx) => ({
        tenant: await tx.tenant.findUnique({ where: { id: tenantId }, select: { name: true } }),
        contacts: await tx.tenantContact.findMany({ orderBy: { email: 'asc' }, select: { email: true } }),
      }));
      if (!tenant) throw ApplicationFailure.nonRetryable(`tenant ${tenantId} no longer exists`, 'TenantNotFound');
      if (contacts.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `tenant ${tenantId} has no notice contacts (its admins set them with PUT /v1/notification-contacts)`,
          'TenantHasNoNoticeContacts',
        );
      }
      const notice = {
        tenantId,
        deliveryKey: `breach/${content.incidentRef}/tenant/${tenantId}`,
        kind: 'breach.tenant_notice',
        recipients: contacts.map((contact) => contact.email),
        ...tenantBreachNotice(content, tenant.name, securityDesk.contactPoint),
      };
      const delivery = await deliver(notifier, notice);
      const proof = evidence(notice, delivery);
      await db.withTenant(tenantId, (tx) =>
        appendAuditEventOnce(tx, tenantId, notice.deliveryKey, {
          actor: ACTOR,
          action: 'breach.notice_delivered',
          target: content.incidentRef,
          outcome: 'success',
          details: { ...proof, dataCategories: content.dataCategories, awarenessAt: content.awarenessAt },
        }),
      );
      await withSecurityTenant(db, (tx) =>
        appendAuditEventOnce(tx, SECURITY_TENANT_ID, notice.deliveryKey, {
          actor: ACTOR,
          action: 'incident.tenant_notified',
          target: content.incidentRef,
          outcome: 'success',
          details: { ...proof, tenantId },
        }),
      );
      return receipt(delivery);
    },

    async sendRegulatorBreachNotice(content) {
      const delivery = await deskNotices.send(
        {
          deliveryKey: `breach/${content.incidentRef}/regulator`,
          kind: 'breach.regulator_notice',
          recipients: securityDesk.regulatorNotice,
          ...regulatorBreachNotice(content, securityDesk.contactPoint),
        },
        { actor: ACTOR, action: 'incident.regulator_notified', target: content.incidentRef, details: { delayReason: content.delayReason } },
      );
      return receipt(delivery);
    },
  };
}
