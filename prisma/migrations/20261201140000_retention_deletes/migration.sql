-- Retention (libs/contracts/retention.ts): the worker's retention job deletes rows past their age, per tenant under
-- its row-level security, in batches by the row's own timestamp. The app role gets DELETE on these tables only;
-- the audit trail keeps its own retention (audit_prune_before, owner role) and stays undeletable for the app.
GRANT DELETE ON jira_raw_responses TO custodian_app;
GRANT DELETE ON jira_webhook_deliveries TO custodian_app;
GRANT DELETE ON notifications TO custodian_app;
GRANT DELETE ON oauth_connect_states TO custodian_app;

-- Each batch finds the tenant's oldest rows by these columns (jira_raw_responses and oauth_connect_states have theirs).
CREATE INDEX jira_webhook_deliveries_received_idx ON jira_webhook_deliveries (tenant_id, received_at);
CREATE INDEX notifications_delivered_idx ON notifications (tenant_id, delivered_at);
