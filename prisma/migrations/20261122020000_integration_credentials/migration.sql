-- Envelope-encrypted provider credentials. A data key (DEK) per integration is stored only wrapped by a
-- key-encryption key held by a KMS; the token set is AES-256-GCM ciphertext under that DEK, bound (AAD) to
-- tenant, integration and purpose. Destroying a tenant's data_keys rows makes its ciphertext unreadable
-- everywhere, backups included (crypto-shredding).

CREATE TABLE data_keys (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  integration_id uuid NOT NULL,
  kek_id         text NOT NULL,
  kek_version    text NOT NULL,
  wrapped_key    bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  rewrapped_at   timestamptz,
  UNIQUE (tenant_id, integration_id)
);
CREATE INDEX data_keys_kek_idx ON data_keys (kek_id, kek_version);

CREATE TABLE integration_credentials (
  id                      uuid PRIMARY KEY,
  tenant_id               uuid NOT NULL REFERENCES tenants (id),
  provider                text NOT NULL CHECK (provider IN ('google', 'jira')),
  status                  text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reconsent')),
  external_account        text NOT NULL CHECK (length(external_account) BETWEEN 1 AND 320),
  data_key_id             uuid NOT NULL REFERENCES data_keys (id),
  encrypted_token_set     text NOT NULL,
  scopes                  text[] NOT NULL DEFAULT '{}',
  access_token_expires_at timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, provider)
);

ALTER TABLE data_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON data_keys
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

ALTER TABLE integration_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE integration_credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON integration_credentials
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON data_keys TO custodian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON integration_credentials TO custodian_app;

-- KEK rotation re-wraps every tenant's data keys, so the owner-run rotation job may read them all.
CREATE POLICY owner_rotates_keys ON data_keys FOR ALL TO custodian_owner USING (true) WITH CHECK (true);
