-- The Jira sync engine's own state, all tenant-scoped under RLS like every tenant table.

-- The sync's state per tenant (the connected site itself is jira_sites): the webhook registration and its
-- secret (only a SHA-256 of it: the URL Jira calls carries the secret itself), the reconciliation watermark
-- (issues updated since it minus an overlap are searched), and the last outcome for the status API.
CREATE TABLE jira_sync_states (
  id                   uuid PRIMARY KEY,
  tenant_id            uuid NOT NULL UNIQUE REFERENCES tenants (id),
  webhook_secret_hash  bytea CHECK (length(webhook_secret_hash) = 32),
  webhook_ids          bigint[] NOT NULL DEFAULT '{}',
  webhook_expires_at   timestamptz,
  watermark            timestamptz,
  last_success_at      timestamptz,
  last_error           text CHECK (length(last_error) <= 2000),
  last_error_at        timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE jira_sync_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_sync_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_sync_states
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON jira_sync_states TO custodian_app;

-- A ticket and its Jira issue, each linked once. synced holds, per field, SHA-256 hashes of the value last
-- synced on each side ({"summary": {"c": "<hex>", "j": "<hex>"}, ...}): a side whose value differs from its
-- hash changed since; both sides changed is a conflict. Hashes, not values: descriptions stay in tickets only.
-- issue_updated is the issue's own `updated` time last applied; an older read of the issue is never applied.
CREATE TABLE jira_issue_links (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  ticket_id      uuid NOT NULL REFERENCES tickets (id),
  issue_id       text NOT NULL CHECK (length(issue_id) BETWEEN 1 AND 100),
  issue_key      text NOT NULL CHECK (length(issue_key) BETWEEN 1 AND 100),
  project_key    text NOT NULL CHECK (length(project_key) BETWEEN 1 AND 100),
  synced         jsonb NOT NULL DEFAULT '{}',
  issue_updated  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, ticket_id),
  UNIQUE (tenant_id, issue_id)
);
CREATE INDEX jira_issue_links_key_idx ON jira_issue_links (tenant_id, issue_key);
ALTER TABLE jira_issue_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_issue_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_issue_links
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON jira_issue_links TO custodian_app;

-- A ticket comment and its Jira copy (or original), so each is synced once whichever side wrote it.
CREATE TABLE jira_comment_links (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  comment_id       uuid NOT NULL REFERENCES ticket_comments (id),
  issue_id         text NOT NULL CHECK (length(issue_id) BETWEEN 1 AND 100),
  jira_comment_id  text NOT NULL CHECK (length(jira_comment_id) BETWEEN 1 AND 100),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, comment_id),
  UNIQUE (tenant_id, jira_comment_id)
);
ALTER TABLE jira_comment_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_comment_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_comment_links
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON jira_comment_links TO custodian_app;

-- Webhook deliveries seen, by Atlassian's X-Atlassian-Webhook-Identifier (stable across its retries): a
-- second delivery with the same identifier is a replay and changes nothing.
CREATE TABLE jira_webhook_deliveries (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  identifier   text NOT NULL CHECK (length(identifier) BETWEEN 1 AND 200),
  issue_key    text CHECK (length(issue_key) BETWEEN 1 AND 100),
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, identifier)
);
ALTER TABLE jira_webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_webhook_deliveries
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON jira_webhook_deliveries TO custodian_app;

-- Jira's answers as received, for operations, envelope-encrypted under the site's data key
-- (data_keys.integration_id = jira_sync_states.id) and bound to tenant, site and purpose.
CREATE TABLE jira_raw_responses (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  data_key_id      uuid NOT NULL REFERENCES data_keys (id),
  operation        text NOT NULL CHECK (length(operation) BETWEEN 1 AND 100),
  issue_key        text CHECK (length(issue_key) BETWEEN 1 AND 100),
  jira_request_id  text CHECK (length(jira_request_id) BETWEEN 1 AND 200),
  ciphertext       text NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jira_raw_responses_received_idx ON jira_raw_responses (tenant_id, received_at);
ALTER TABLE jira_raw_responses ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_raw_responses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_raw_responses
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON jira_raw_responses TO custodian_app;
