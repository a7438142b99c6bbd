-- An OAuth consent in flight: the state sent to the provider is "<tenant id>.<nonce>", and only the nonce's
-- SHA-256 is kept. The callback finds the row under that tenant's RLS context and consumes it once.
CREATE TABLE oauth_connect_states (
  nonce_hash   text PRIMARY KEY CHECK (nonce_hash ~ '^[0-9a-f]{64}$'),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  provider     text NOT NULL CHECK (provider IN ('google', 'jira')),
  external_account text NOT NULL CHECK (length(external_account) BETWEEN 1 AND 253),
  requested_by text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz
);
CREATE INDEX oauth_connect_states_tenant_idx ON oauth_connect_states (tenant_id, created_at);

ALTER TABLE oauth_connect_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE oauth_connect_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON oauth_connect_states
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON oauth_connect_states TO custodian_app;
