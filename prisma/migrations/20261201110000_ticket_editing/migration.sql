-- Editable tickets: a version for optimistic concurrency, a history of which field changed when, by whom and
-- on which side (what the Jira sync's per-field conflict resolution reads), comments that know where they came
-- from, and attachments stored encrypted.

ALTER TABLE tickets ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

-- One row per field per change. Values are not copied here: they are the ticket's, and the sync keeps its own
-- last-synced values. source says which side made the change; actor who (an API key, a workflow, Jira).
CREATE TABLE ticket_field_changes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  ticket_id   uuid NOT NULL REFERENCES tickets (id),
  field       text NOT NULL CHECK (field IN ('summary', 'description', 'status', 'priority', 'type', 'assignee')),
  version     integer NOT NULL CHECK (version >= 1),
  source      text NOT NULL CHECK (source IN ('custodian', 'jira')),
  actor       text NOT NULL CHECK (length(actor) BETWEEN 1 AND 320),
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_field_changes_ticket_idx ON ticket_field_changes (tenant_id, ticket_id, field, changed_at DESC);

ALTER TABLE ticket_field_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_field_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket_field_changes
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON ticket_field_changes TO custodian_app;

-- Every writer of a ticket (the API, workflows, the Jira sync) goes through this trigger, so none can change a
-- field without its history row, version bump and updated_at. Who and which side come from the transaction's
-- app.actor and app.change_source (set_config(..., true)); a writer that sets neither is recorded as 'system'
-- on the Custodian side.
CREATE FUNCTION tickets_record_field_changes() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp
  AS $$
DECLARE
  changed text[] := ARRAY[]::text[];
  who     text := COALESCE(NULLIF(current_setting('app.actor', true), ''), 'system');
  side    text := COALESCE(NULLIF(current_setting('app.change_source', true), ''), 'custodian');
BEGIN
  IF NEW.summary IS DISTINCT FROM OLD.summary THEN changed := array_append(changed, 'summary'); END IF;
  IF NEW.description IS DISTINCT FROM OLD.description THEN changed := array_append(changed, 'description'); END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN changed := array_append(changed, 'status'); END IF;
  IF NEW.priority IS DISTINCT FROM OLD.priority THEN changed := array_append(changed, 'priority'); END IF;
  IF NEW.type IS DISTINCT FROM OLD.type THEN changed := array_append(changed, 'type'); END IF;
  IF NEW.assignee IS DISTINCT FROM OLD.assignee THEN changed := array_append(changed, 'assignee'); END IF;
  IF cardinality(changed) = 0 THEN
    RETURN NEW;
  END IF;
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  INSERT INTO ticket_field_changes (tenant_id, ticket_id, field, version, source, actor, changed_at)
    SELECT NEW.tenant_id, NEW.id, f, NEW.version, side, who, NEW.updated_at FROM unnest(changed) AS f;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_field_changes BEFORE UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION tickets_record_field_changes();

-- Comments now come from people through the API and, with the sync, from Jira.
ALTER TABLE ticket_comments ADD COLUMN source text NOT NULL DEFAULT 'custodian' CHECK (source IN ('custodian', 'jira'));
-- The author's email when known (Jira shows it only when the user allows); author stays the display name.
ALTER TABLE ticket_comments ADD COLUMN author_email text CHECK (length(author_email) BETWEEN 3 AND 320);
-- Jira's id of the comment (or of the issue's copy of ours), so a comment is linked once.
ALTER TABLE ticket_comments ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX ticket_comments_external_idx ON ticket_comments (tenant_id, external_id) WHERE external_id IS NOT NULL;

-- Files on a ticket, envelope-encrypted under a data key of their own (data_keys.integration_id holds the
-- attachment's id), bound to tenant, attachment and purpose: a row copied elsewhere does not decrypt, and
-- deleting the data key shreds the file. sha256 is of the plaintext, for the sync to recognise a file it has.
CREATE TABLE ticket_attachments (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  ticket_id     uuid NOT NULL REFERENCES tickets (id),
  file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  content_type  text NOT NULL CHECK (content_type ~ '^[a-z0-9.+-]+/[a-z0-9.+-]+$'),
  size_bytes    integer NOT NULL CHECK (size_bytes >= 1),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  data_key_id   uuid NOT NULL REFERENCES data_keys (id),
  ciphertext    bytea NOT NULL,
  source        text NOT NULL DEFAULT 'custodian' CHECK (source IN ('custodian', 'jira')),
  external_id   text CHECK (length(external_id) BETWEEN 1 AND 200),
  uploaded_by   text NOT NULL CHECK (length(uploaded_by) BETWEEN 1 AND 320),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (tenant_id, ticket_id, created_at);
CREATE UNIQUE INDEX ticket_attachments_external_idx ON ticket_attachments (tenant_id, external_id) WHERE external_id IS NOT NULL;

ALTER TABLE ticket_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket_attachments
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON ticket_attachments TO custodian_app;

-- How a tenant's Custodian tickets and Jira issues are kept in step: one row per set of Jira projects (the
-- projects of all of a tenant's configurations are distinct). settings holds the validated JiraSyncSettings
-- (libs/contracts/jira-sync.ts) as the API stored it; project_keys is repeated as a column to find the
-- configuration of an issue's project.
CREATE TABLE jira_sync_configs (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  project_keys  text[] NOT NULL CHECK (cardinality(project_keys) BETWEEN 1 AND 50),
  settings      jsonb NOT NULL,
  version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by    text NOT NULL,
  updated_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jira_sync_configs_tenant_idx ON jira_sync_configs (tenant_id);
CREATE INDEX jira_sync_configs_projects_idx ON jira_sync_configs USING gin (project_keys);

ALTER TABLE jira_sync_configs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jira_sync_configs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jira_sync_configs
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON jira_sync_configs TO custodian_app;
