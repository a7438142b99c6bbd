-- A ticket's intake workflow records its state on the ticket row as its activity moves it, so reading a ticket
-- is one query instead of a describe and a query of the workflow (a replay) on every GET. NULL means the row
-- does not know yet (the workflow has not reached its activity, or ran before these columns): the API then asks
-- the workflow.
ALTER TABLE tickets ADD COLUMN intake_workflow_status text
  CHECK (intake_workflow_status IN ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT', 'CONTINUED_AS_NEW'));
ALTER TABLE tickets ADD COLUMN intake_workflow_state jsonb
  CHECK (intake_workflow_state IS NULL OR jsonb_typeof(intake_workflow_state) = 'object');
