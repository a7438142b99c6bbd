-- Webhook deliveries become the queue between the API's endpoint and the tenant's sync workflow: the endpoint
-- commits a delivery and answers at once; the workflow marks the pending ones taken (by its activity's id, so a
-- retried take returns the same ones) and syncs their issues. A delivery committed but never signalled (the API
-- died after answering) is taken at the workflow's next reconciliation.
ALTER TABLE jira_webhook_deliveries ADD COLUMN taken_by text CHECK (length(taken_by) BETWEEN 1 AND 300);
ALTER TABLE jira_webhook_deliveries ADD COLUMN taken_at timestamptz;
CREATE INDEX jira_webhook_deliveries_pending_idx ON jira_webhook_deliveries (tenant_id, received_at)
  WHERE taken_by IS NULL AND issue_key IS NOT NULL;
CREATE INDEX jira_webhook_deliveries_taken_by_idx ON jira_webhook_deliveries (tenant_id, taken_by)
  WHERE taken_by IS NOT NULL;
GRANT UPDATE (taken_by, taken_at) ON jira_webhook_deliveries TO custodian_app;
