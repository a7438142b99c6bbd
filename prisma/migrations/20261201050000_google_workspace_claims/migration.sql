-- Which Google Workspace each tenant has connected: the domain its admin named and the Google customer
-- (Workspace account) that owns it, as Google confirmed at consent. A domain and a customer each belong to at
-- most one tenant, or one tenant's admin could act on another firm's users. Each tenant still sees only its
-- own row; the unique indexes hold across all rows regardless of row-level security, so a second tenant's
-- INSERT ... ON CONFLICT DO NOTHING inserts nothing and learns only that the Workspace is taken, not by whom.
-- The row goes with the tenant (tenant_id: deleted with its data) and on disconnect.
CREATE TABLE google_workspace_claims (
  tenant_id   uuid PRIMARY KEY REFERENCES tenants (id),
  domain      text NOT NULL UNIQUE CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
  customer_id text NOT NULL UNIQUE CHECK (customer_id ~ '^[A-Za-z0-9]{1,64}$'),
  claimed_by  text NOT NULL CHECK (length(claimed_by) BETWEEN 1 AND 320),
  claimed_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE google_workspace_claims ENABLE ROW LEVEL SECURITY;
ALTER TABLE google_workspace_claims FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON google_workspace_claims
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, DELETE ON google_workspace_claims TO custodian_app;
