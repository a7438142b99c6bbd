-- A Google operation's workflow (password reset, account unlock, access change) records the state its status
-- page shows as its activities move it, so reading an operation is one query instead of a describe, a query and
-- a replay of the workflow on every GET. No row means the workflow has not recorded anything yet (or ran before
-- this table): the API then asks the workflow. Never a password or any secret: state carries the one-time
-- secret's id only.
CREATE TABLE google_operations (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  workflow_id  text NOT NULL CHECK (length(workflow_id) BETWEEN 1 AND 300),
  kind         text NOT NULL CHECK (kind IN ('password-reset', 'account-unlock', 'access-change')),
  ticket_ref   text NOT NULL CHECK (length(ticket_ref) BETWEEN 1 AND 64),
  -- Who asked (an API key's or person's id): the approved administrator's reset shows its link to them.
  requester_id text CHECK (length(requester_id) BETWEEN 1 AND 300),
  status       text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
  state        jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object'),
  failure      jsonb CHECK (failure IS NULL OR jsonb_typeof(failure) = 'object'),
  -- Counts the workflow's records: a late write of an older one (a timed-out attempt still running) loses.
  revision     integer NOT NULL CHECK (revision >= 1),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, workflow_id)
);

ALTER TABLE google_operations ENABLE ROW LEVEL SECURITY;
ALTER TABLE google_operations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON google_operations
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON google_operations TO custodian_app;
