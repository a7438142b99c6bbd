-- A secret shown once to a person (a temporary password): envelope-encrypted under a data key of its own
-- (data_keys.integration_id holds the secret's id), one per workflow so a retried activity reuses it, reached
-- through an unguessable link token of which only the SHA-256 is kept.
CREATE TABLE one_time_secrets (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  workflow_id   text NOT NULL,
  purpose       text NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9_.-]*$'),
  subject       text NOT NULL,
  token_hash    text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  -- Both cleared, and the data key deleted, once the secret is revealed or found expired.
  data_key_id   uuid REFERENCES data_keys (id),
  ciphertext    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  -- Google accepted the password: a retried activity must not send it again.
  applied_at    timestamptz,
  applied_request_id text,
  revealed_at   timestamptz,
  CHECK ((ciphertext IS NULL) = (data_key_id IS NULL)),
  UNIQUE (tenant_id, workflow_id)
);

ALTER TABLE one_time_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE one_time_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON one_time_secrets
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON one_time_secrets TO custodian_app;
