-- Which of a tenant's Google Workspace users sign in through a third-party identity provider (SSO), as the
-- tenant's admin declared it by org unit: Google applies a password and changePasswordAtNextLogin only to
-- users who sign in with Google, and the SSO assignments themselves are readable only with scopes Custodian
-- does not hold. with_sso lists the org units assigned to the IdP ('/' for every user); without_sso carves
-- sub-units back out (the innermost unit wins, as in Google). No row: the tenant has declared nothing.
CREATE TABLE google_sso_org_units (
  tenant_id   uuid PRIMARY KEY REFERENCES tenants (id),
  with_sso    text[] NOT NULL CHECK (cardinality(with_sso) <= 100),
  without_sso text[] NOT NULL DEFAULT '{}' CHECK (cardinality(without_sso) <= 100),
  updated_by  text NOT NULL CHECK (length(updated_by) BETWEEN 1 AND 320),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE google_sso_org_units ENABLE ROW LEVEL SECURITY;
ALTER TABLE google_sso_org_units FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON google_sso_org_units
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON google_sso_org_units TO custodian_app;
