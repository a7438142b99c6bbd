-- Comments change after they are written: edited (the body replaced, edited_at set) or deleted (kept, with
-- deleted_at set, so the audit trail and a Jira link still name it). The app may change only these columns.
-- author_principal is who wrote it through the API (the same id audit events carry): its author may edit it.
ALTER TABLE ticket_comments ADD COLUMN author_principal text CHECK (length(author_principal) BETWEEN 1 AND 200);
ALTER TABLE ticket_comments ADD COLUMN edited_at timestamptz;
ALTER TABLE ticket_comments ADD COLUMN deleted_at timestamptz;
GRANT UPDATE (body, edited_at, deleted_at) ON ticket_comments TO custodian_app;

-- Per linked comment, what was last synced: Jira's `updated` of the comment as last applied or written (an
-- older read, or the echo of our own edit, changes nothing), and the SHA-256 of the ticket body last sent or
-- taken (a ticket edit since is what goes to Jira).
ALTER TABLE jira_comment_links ADD COLUMN jira_updated timestamptz;
ALTER TABLE jira_comment_links ADD COLUMN synced_body_sha256 text CHECK (synced_body_sha256 ~ '^[0-9a-f]{64}$');
GRANT UPDATE (jira_updated, synced_body_sha256) ON jira_comment_links TO custodian_app;
