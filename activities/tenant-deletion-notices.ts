import type { DeletionCertificate, TenantDeletionNoticeRequest } from '../libs/contracts';

/** Subject and body of the notices a tenant deletion sends; plain text, no secrets. */
export function tenantDeletionNotice(request: TenantDeletionNoticeRequest, slug: string): { subject: string; body: string } {
  if (request.kind === 'requested') {
    return {
      subject: `Custodian: tenant ${slug} is scheduled for deletion on ${request.scheduledAt}`,
      body: [
        `${request.requestedBy} asked on ${request.requestedAt} to delete the Custodian tenant ${slug} and all of its data.`,
        `The deletion happens at ${request.scheduledAt}. Until then the tenant keeps working, and any of its admins can`,
        'cancel it on the tenant page (/tenant) or with DELETE /v1/tenant/deletion. Export your data first if you need it.',
        'Afterwards every record, credential and key of the tenant is destroyed; this cannot be undone.',
      ].join('\n'),
    };
  }
  return {
    subject: `Custodian: the deletion of tenant ${slug} was cancelled`,
    body: `${request.cancelledBy ?? 'An admin'} cancelled the deletion requested by ${request.requestedBy} on ${request.requestedAt}. The tenant is active.`,
  };
}

export function deletionCertificateNotice(certificate: DeletionCertificate): { subject: string; body: string } {
  const counts = Object.entries(certificate.deletedRows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, rows]) => `  ${table}: ${rows}`);
  const revocations = certificate.tokenRevocations.map(
    (revocation) => `  ${revocation.provider}: ${revocation.outcome}${revocation.detail ? ` (${revocation.detail})` : ''}`,
  );
  return {
    subject: `Custodian: deletion certificate for tenant ${certificate.tenantSlug}`,
    body: [
      `Tenant ${certificate.tenantSlug} (${certificate.tenantId}) was deleted at ${certificate.completedAt}.`,
      `Requested by ${certificate.requestedBy} on ${certificate.requestedAt}; grace period ended ${certificate.scheduledAt}.`,
      `Rows deleted (${certificate.totalRows} in all):`,
      ...counts,
      `Data keys destroyed: ${certificate.dataKeysDestroyed} (anything they encrypted is unreadable, backups included).`,
      `Workflows stopped: ${certificate.stoppedWorkflows.length}.`,
      'Provider token revocation:',
      ...(revocations.length ? revocations : [certificate.jira ? '  jira: disconnected, below' : '  no provider was connected']),
      ...(certificate.jira
        ? [
            `Jira${certificate.jira.site ? ` (${certificate.jira.site.url})` : ''}:`,
            ...certificate.jira.steps.map((step) => `  ${step.step}: ${step.outcome} (${step.detail})`),
            `  ${certificate.jira.revokeAppAt}`,
          ]
        : []),
      '',
      'The certificate (JSON):',
      JSON.stringify(certificate, null, 2),
    ].join('\n'),
  };
}
