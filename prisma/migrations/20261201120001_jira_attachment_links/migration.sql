-- A ticket file and its Jira copy (or original), so each is synced once whichever side added it. A file that
-- came from Jira also carries Jira's id in ticket_attachments.external_id; one sent to Jira is known only here.
CREATE TABLE jira_attachment_links (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  attachment_id       uuid NOT NULL REFERENCES ticket_attachments (id),
  issue_id            text NOT NULL CHECK (length(issue_id) BETWEEN 1 AND 100),
  jira_attachment_id  text NOT NULL CHECK (length(jira_attachment_id) BETWEEN 1 AND 100),
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, attachment_id),
  UNIQUE (tenant_id, jira_attachment_id)
);
ALTER TABLE jira_attachment_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_attachment_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_attachment_links
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON jira_attachment_links TO custodian_app;
