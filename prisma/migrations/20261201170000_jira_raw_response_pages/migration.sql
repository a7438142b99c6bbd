-- A search page is kept as Jira sent it: one row (one encryption, one insert) for a page of up to 100 issues,
-- where each issue was a row of its own. The keys of the issues on the page go beside it in the clear (issue keys
-- are already in issue_key), so what Jira said about an issue is still found by its key.
ALTER TABLE jira_raw_responses ADD COLUMN issue_keys text[] CHECK (issue_keys IS NULL OR cardinality(issue_keys) <= 5000);
CREATE INDEX jira_raw_responses_issue_keys_idx ON jira_raw_responses USING gin (issue_keys);
CREATE INDEX jira_raw_responses_issue_key_idx ON jira_raw_responses (tenant_id, issue_key);

-- A page is compressed (raw DEFLATE) before it is encrypted: Jira's JSON shrinks several times over, and the bytes,
-- not the rows, are what a backfill's raw responses cost PostgreSQL. Rows kept before stay plain JSON.
ALTER TABLE jira_raw_responses ADD COLUMN body_encoding text NOT NULL DEFAULT 'json' CHECK (body_encoding IN ('json', 'deflate-json'));
