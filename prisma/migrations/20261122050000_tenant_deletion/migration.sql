-- Tenant deletion with a grace period, the deletion certificate that outlives the tenant, and data exports.
--
-- How deletion gets its privileges. The application role may not delete audit events (append-only) nor touch
-- audit heads, and it should never be able to wipe a tenant on a whim. Two ways were weighed:
--   * give the worker the owner's connection (DATABASE_OWNER_URL) for the deletion activities: simple, but a
--     long-running process would then hold a role that owns every table, can alter triggers and sees past
--     the tenant policies it owns;
--   * three SECURITY DEFINER functions owned by the owner role, EXECUTE granted to custodian_app (chosen).
-- The functions act on one tenant, in that tenant's own context (FORCE ROW LEVEL SECURITY binds the owner
-- too), and only once the tenant is pending deletion and its grace period has ended by the database's own
-- clock (tenants.deletion_scheduled_at), so a compromised API or worker can start a deletion but cannot
-- shorten the grace period. No policy gains a bypass; the worker keeps connecting as custodian_app.

ALTER TABLE tenants ADD COLUMN deletion_requested_at timestamptz;
ALTER TABLE tenants ADD COLUMN deletion_requested_by text CHECK (length(deletion_requested_by) BETWEEN 1 AND 320);
ALTER TABLE tenants ADD COLUMN deletion_scheduled_at timestamptz;
ALTER TABLE tenants ADD CONSTRAINT tenants_deletion_schedule CHECK (
  (status = 'pending_deletion') = (deletion_requested_at IS NOT NULL AND deletion_requested_by IS NOT NULL AND deletion_scheduled_at IS NOT NULL)
);

-- What remains of a deleted tenant: who asked, when, and how many rows of each table were deleted. Deliberately
-- no tenant_id column: tenant tables are recognised by that column, and this record is not the tenant's data.
-- Written only by the functions below; the application reads it for operators.
CREATE TABLE tenant_tombstones (
  deleted_tenant_id uuid PRIMARY KEY,
  tenant_slug       text NOT NULL,
  requested_by      text NOT NULL,
  requested_at      timestamptz NOT NULL,
  scheduled_at      timestamptz NOT NULL,
  workflow_id       text NOT NULL,
  started_at        timestamptz NOT NULL DEFAULT now(),
  -- { "<table>": <rows deleted> }, counted in the same transaction as each deleted batch
  deleted_rows      jsonb NOT NULL DEFAULT '{}'::jsonb,
  completed_at      timestamptz,
  certificate       jsonb,
  CHECK ((completed_at IS NULL) = (certificate IS NULL))
);
GRANT SELECT ON tenant_tombstones TO custodian_app;

-- A tenant's data, as the catalogue tells it: every table of the schema with a tenant_id column, plus tenants.
-- Tables added by later migrations are covered without touching this.
CREATE FUNCTION tenant_data_tables() RETURNS SETOF text
  LANGUAGE sql STABLE SET search_path = public, pg_temp
  AS $$
    SELECT c.relname::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND (c.relname = 'tenants' OR EXISTS (
        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
    ORDER BY 1
  $$;
GRANT EXECUTE ON FUNCTION tenant_data_tables() TO custodian_app;

-- Refuses unless the caller's transaction acts for this tenant and the tenant's grace period is over.
CREATE FUNCTION assert_tenant_deletion_due(p_tenant uuid) RETURNS void
  LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
  AS $$
DECLARE
  t tenants%ROWTYPE;
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'tenant deletion outside the tenant''s own context' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT * INTO t FROM tenants WHERE id = p_tenant;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant % does not exist', p_tenant USING ERRCODE = 'no_data_found';
  END IF;
  IF t.status <> 'pending_deletion' THEN
    RAISE EXCEPTION 'tenant % is not pending deletion', p_tenant USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF t.deletion_scheduled_at > now() THEN
    RAISE EXCEPTION 'the grace period of tenant % ends at %', p_tenant, t.deletion_scheduled_at
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'deletion_not_due';
  END IF;
END
$$;
REVOKE ALL ON FUNCTION assert_tenant_deletion_due(uuid) FROM PUBLIC;

-- Opens the tombstone once the grace period is over; every later step requires it. Idempotent.
CREATE FUNCTION begin_tenant_deletion(p_tenant uuid, p_workflow_id text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  t tenants%ROWTYPE;
BEGIN
  IF EXISTS (SELECT 1 FROM tenant_tombstones WHERE deleted_tenant_id = p_tenant) THEN
    RETURN;
  END IF;
  PERFORM assert_tenant_deletion_due(p_tenant);
  SELECT * INTO t FROM tenants WHERE id = p_tenant;
  INSERT INTO tenant_tombstones (deleted_tenant_id, tenant_slug, requested_by, requested_at, scheduled_at, workflow_id)
    VALUES (p_tenant, t.slug, t.deletion_requested_by, t.deletion_requested_at, t.deletion_scheduled_at, p_workflow_id);
END
$$;
REVOKE ALL ON FUNCTION begin_tenant_deletion(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION begin_tenant_deletion(uuid, text) TO custodian_app;

-- Deletes at most p_batch of the tenant's rows from one tenant table and counts them in the tombstone, in the
-- caller's (short) transaction: a batch commits with its count or not at all, so a crashed worker's retry
-- neither loses nor double-counts rows. Row locks only, on one tenant's rows; nothing else waits long.
-- While the tenants row exists its grace period is checked again; once it is gone, the open tombstone is the
-- proof that it was checked.
CREATE FUNCTION delete_tenant_batch(p_tenant uuid, p_table text, p_batch integer) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  deleted bigint;
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'tenant deletion outside the tenant''s own context' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_batch IS NULL OR p_batch NOT BETWEEN 1 AND 10000 THEN
    RAISE EXCEPTION 'batch size must be between 1 and 10000' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_table IS NULL OR p_table NOT IN (SELECT tenant_data_tables()) THEN
    RAISE EXCEPTION '% is not a tenant table', p_table USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM tenant_tombstones WHERE deleted_tenant_id = p_tenant AND completed_at IS NULL) THEN
    RAISE EXCEPTION 'deletion of tenant % has not begun', p_tenant USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF EXISTS (SELECT 1 FROM tenants WHERE id = p_tenant) THEN
    PERFORM assert_tenant_deletion_due(p_tenant);
  END IF;
  -- audit_events refuses deletes except for this one tenant's rows while this flag is set (see below).
  PERFORM set_config('custodian.audit_maintenance', 'tenant_deletion:' || p_tenant::text, true);
  IF p_table = 'tenants' THEN
    DELETE FROM tenants WHERE id = p_tenant;
  ELSE
    -- tenant_id in the outer filter too: the owner's own policies (e.g. on data_keys) see every tenant.
    EXECUTE format(
      'DELETE FROM %1$I WHERE tenant_id = $1 AND ctid = ANY (ARRAY(SELECT ctid FROM %1$I WHERE tenant_id = $1 LIMIT $2 FOR UPDATE))',
      p_table) USING p_tenant, p_batch;
  END IF;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('custodian.audit_maintenance', '', true);
  UPDATE tenant_tombstones
    SET deleted_rows = jsonb_set(deleted_rows, ARRAY[p_table], to_jsonb(COALESCE((deleted_rows ->> p_table)::bigint, 0) + deleted))
    WHERE deleted_tenant_id = p_tenant;
  RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION delete_tenant_batch(uuid, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delete_tenant_batch(uuid, text, integer) TO custodian_app;

-- Seals the tombstone with the certificate, only when no table holds a row of the tenant any more; otherwise
-- returns the tables that still do (someone wrote after their pass) and seals nothing. Idempotent.
CREATE FUNCTION complete_tenant_deletion(p_tenant uuid, p_certificate jsonb) RETURNS text[]
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  tbl text;
  found_rows boolean;
  remaining text[] := '{}';
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'tenant deletion outside the tenant''s own context' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM tenant_tombstones WHERE deleted_tenant_id = p_tenant) THEN
    RAISE EXCEPTION 'deletion of tenant % has not begun', p_tenant USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  FOR tbl IN SELECT tenant_data_tables() LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %1$I WHERE %2$I = $1)', tbl, CASE WHEN tbl = 'tenants' THEN 'id' ELSE 'tenant_id' END)
      INTO found_rows USING p_tenant;
    IF found_rows THEN
      remaining := remaining || tbl;
    END IF;
  END LOOP;
  IF cardinality(remaining) = 0 THEN
    UPDATE tenant_tombstones SET completed_at = now(), certificate = p_certificate
      WHERE deleted_tenant_id = p_tenant AND completed_at IS NULL;
  END IF;
  RETURN remaining;
END
$$;
REVOKE ALL ON FUNCTION complete_tenant_deletion(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION complete_tenant_deletion(uuid, jsonb) TO custodian_app;

-- The append-only trigger learns one more exception: during delete_tenant_batch, the rows of the one tenant
-- being deleted (audit_prune_before's exception is unchanged).
CREATE OR REPLACE FUNCTION audit_events_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('custodian.audit_maintenance', true) = 'prune' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'DELETE' AND current_setting('custodian.audit_maintenance', true) = 'tenant_deletion:' || OLD.tenant_id::text THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Data exports: the bundle is tenant data like any other (deleted with the tenant), downloadable once.
CREATE TABLE tenant_exports (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  requested_by  text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 320),
  status        text NOT NULL DEFAULT 'building' CHECK (status IN ('building', 'ready', 'downloaded')),
  bundle        bytea,
  size_bytes    bigint,
  sha256        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  ready_at      timestamptz,
  downloaded_at timestamptz,
  -- the bundle is dropped when it is downloaded: one copy leaves, none stays behind
  CHECK ((status = 'ready') = (bundle IS NOT NULL))
);
CREATE INDEX tenant_exports_tenant_idx ON tenant_exports (tenant_id, created_at);
ALTER TABLE tenant_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_exports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_exports
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON tenant_exports TO custodian_app;
