-- The Jira Cloud site a tenant's Jira grant works on (its tokens are in integration_credentials). One Atlassian
-- grant may reach several sites: the callback then records them in available_sites and leaves cloud_id empty
-- until a tenant admin picks one. account_id is the Atlassian account the app acts as (3LO acts as the
-- consenting user): the sync recognises its own writes by it.
CREATE TABLE jira_sites (
  tenant_id       uuid PRIMARY KEY REFERENCES tenants (id),
  cloud_id        text CHECK (length(cloud_id) BETWEEN 1 AND 100),
  site_url        text CHECK (length(site_url) BETWEEN 1 AND 320),
  site_name       text CHECK (length(site_name) BETWEEN 1 AND 320),
  account_id      text CHECK (length(account_id) BETWEEN 1 AND 128),
  available_sites jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(available_sites) = 'array'),
  connected_by    text NOT NULL CHECK (length(connected_by) BETWEEN 1 AND 320),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- A chosen site is complete: its id, URL and the app's account on it.
  CHECK ((cloud_id IS NULL AND site_url IS NULL AND account_id IS NULL) OR (cloud_id IS NOT NULL AND site_url IS NOT NULL AND account_id IS NOT NULL))
);

ALTER TABLE jira_sites ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_sites FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_sites
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON jira_sites TO custodian_app;
