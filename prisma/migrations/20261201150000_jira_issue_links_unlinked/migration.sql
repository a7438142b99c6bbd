-- Disconnect & clean up keeps a tenant's tickets and its record of which Jira issue each was linked to, marked
-- unlinked: the Jira side is gone (markers stripped, grant shredded), the history is not.
ALTER TABLE jira_issue_links ADD COLUMN unlinked_at timestamptz;
