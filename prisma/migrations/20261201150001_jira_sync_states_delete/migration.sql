-- Disconnect & clean up removes the sync's state (webhook ids, watermark) once its webhooks and data key are gone,
-- so a ticket edit or a late webhook delivery finds no sync to start.
GRANT DELETE ON jira_sync_states TO custodian_app;
