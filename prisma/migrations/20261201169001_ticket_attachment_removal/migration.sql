-- An attachment removed (here, or its Jira original deleted) is kept with removed_at set, left out of the list
-- and no longer downloadable; the audit trail and the Jira link still name it. The app may set only this column.
ALTER TABLE ticket_attachments ADD COLUMN removed_at timestamptz;
GRANT UPDATE (removed_at) ON ticket_attachments TO custodian_app;
