-- The append-only trail without a switch, and a chain head that cannot be rewritten unseen.
--
-- 1. Deleting audit events. Until now the append-only trigger let through any DELETE of a session that had set
--    custodian.audit_maintenance, a setting every session (the owner's included) may set. Now a DELETE passes
--    only when the role executing it is custodian_audit_keeper: a NOLOGIN role, created by provisioning, that
--    owns exactly the two functions allowed to delete events (the retention prune, and the tenant deletion's
--    audit batch), so it is the current user only inside them. The owner is a member of it (WITH INHERIT FALSE)
--    solely because PostgreSQL lets only members hand a function to a role, which this migration must do; a
--    member that SETs ROLE to it is still refused (the trigger requires the session's role setting to be none,
--    which it is inside a SECURITY DEFINER function and is not after SET ROLE). The owner owns the table and can
--    still disable the trigger: that is raw access, and what (2) makes visible.
-- 2. The chain head is signed. Each append stores HMAC-SHA256(key, tenant, seq, hash, time) of the new head in
--    the same transaction (audit_sign_head), under a per-tenant key that exists in the clear only in Custodian's
--    processes: a data key from the KMS, stored wrapped in data_keys like the credentials' keys. Retention
--    checkpoints are signed the same way. Someone who deletes the newest events and rewinds audit_heads cannot
--    sign the rewound head, and verify says so. A commit that moves a head without signing it is refused.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'custodian_audit_keeper') THEN
    RAISE EXCEPTION 'role custodian_audit_keeper is missing: provision the database first (NOLOGIN role, granted to custodian_owner WITH INHERIT FALSE; see libs/db/database-provisioning.ts)';
  END IF;
END
$$;

-- The keeper may create nothing itself; CREATE on the schema is what PostgreSQL requires of a function's owner.
GRANT USAGE, CREATE ON SCHEMA public TO custodian_audit_keeper;
GRANT SELECT, DELETE ON audit_events TO custodian_audit_keeper;
GRANT SELECT, INSERT ON audit_checkpoints TO custodian_audit_keeper;
GRANT SELECT ON tenant_tombstones TO custodian_audit_keeper;

CREATE OR REPLACE FUNCTION audit_events_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_user = 'custodian_audit_keeper' AND current_setting('role') = 'none' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Retention (npm run audit:prune, as the owner): unchanged in effect, now owned by the keeper.
CREATE OR REPLACE FUNCTION audit_prune_before(p_tenant uuid, p_cutoff timestamptz) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  last_pruned audit_events%ROWTYPE;
  pruned bigint;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  SELECT * INTO last_pruned FROM audit_events
    WHERE tenant_id = p_tenant AND at < p_cutoff ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  DELETE FROM audit_events WHERE tenant_id = p_tenant AND seq <= last_pruned.seq;
  GET DIAGNOSTICS pruned = ROW_COUNT;
  INSERT INTO audit_checkpoints (tenant_id, seq, hash, pruned_before, pruned_count)
    VALUES (p_tenant, last_pruned.seq, last_pruned.hash, p_cutoff, pruned);
  RETURN pruned;
END
$$;
REVOKE ALL ON FUNCTION audit_prune_before(uuid, timestamptz) FROM PUBLIC;
ALTER FUNCTION audit_prune_before(uuid, timestamptz) OWNER TO custodian_audit_keeper;
-- Granted by its new owner (the owner's own grant would have passed to the keeper with the ownership).
SET LOCAL ROLE custodian_audit_keeper;
GRANT EXECUTE ON FUNCTION audit_prune_before(uuid, timestamptz) TO custodian_owner;
RESET ROLE;

-- A tenant's audit events, batch by batch, only while that tenant's deletion is under way (open tombstone).
-- Called by delete_tenant_batch (owner-owned, executed for the app role); nobody else may call it.
CREATE FUNCTION delete_tenant_audit_batch(p_tenant uuid, p_batch integer) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  deleted bigint;
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'tenant deletion outside the tenant''s own context' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM tenant_tombstones WHERE deleted_tenant_id = p_tenant AND completed_at IS NULL) THEN
    RAISE EXCEPTION 'deletion of tenant % has not begun', p_tenant USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  -- No FOR UPDATE (it needs an UPDATE grant the keeper has no use for): a concurrent batch deleting the same
  -- rows waits on them in DELETE and skips those already gone.
  DELETE FROM audit_events WHERE tenant_id = p_tenant
    AND ctid = ANY (ARRAY(SELECT ctid FROM audit_events WHERE tenant_id = p_tenant LIMIT p_batch));
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION delete_tenant_audit_batch(uuid, integer) FROM PUBLIC;
ALTER FUNCTION delete_tenant_audit_batch(uuid, integer) OWNER TO custodian_audit_keeper;
-- Granted by its new owner (the owner's own grant would have passed to the keeper with the ownership).
SET LOCAL ROLE custodian_audit_keeper;
GRANT EXECUTE ON FUNCTION delete_tenant_audit_batch(uuid, integer) TO custodian_owner;
RESET ROLE;

-- delete_tenant_batch without the setting: audit events go through the keeper's function.
CREATE OR REPLACE FUNCTION delete_tenant_batch(p_tenant uuid, p_table text, p_batch integer) RETURNS bigint
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
  IF p_table = 'tenants' THEN
    DELETE FROM tenants WHERE id = p_tenant;
    GET DIAGNOSTICS deleted = ROW_COUNT;
  ELSIF p_table = 'audit_events' THEN
    deleted := delete_tenant_audit_batch(p_tenant, p_batch);
  ELSE
    -- tenant_id in the outer filter too: the owner's own policies (e.g. on data_keys) see every tenant.
    EXECUTE format(
      'DELETE FROM %1$I WHERE tenant_id = $1 AND ctid = ANY (ARRAY(SELECT ctid FROM %1$I WHERE tenant_id = $1 LIMIT $2 FOR UPDATE))',
      p_table) USING p_tenant, p_batch;
    GET DIAGNOSTICS deleted = ROW_COUNT;
  END IF;
  UPDATE tenant_tombstones
    SET deleted_rows = jsonb_set(deleted_rows, ARRAY[p_table], to_jsonb(COALESCE((deleted_rows ->> p_table)::bigint, 0) + deleted))
    WHERE deleted_tenant_id = p_tenant;
  RETURN deleted;
END
$$;

-- Signed heads and checkpoints. signed_seq is the seq the stored MAC covers; verify recomputes the MAC.
ALTER TABLE audit_heads ADD COLUMN signed_seq bigint;
ALTER TABLE audit_heads ADD COLUMN head_mac bytea CHECK (octet_length(head_mac) = 32);
ALTER TABLE audit_checkpoints ADD COLUMN mac bytea CHECK (octet_length(mac) = 32);

-- The writer's last step for each event: the MAC of the head it just became.
CREATE FUNCTION audit_sign_head(p_tenant uuid, p_seq bigint, p_mac bytea) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'audit head of another tenant' USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE audit_heads SET signed_seq = p_seq, head_mac = p_mac WHERE tenant_id = p_tenant AND last_seq = p_seq;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit head of tenant % is not at seq %', p_tenant, p_seq USING ERRCODE = 'check_violation';
  END IF;
END
$$;
REVOKE ALL ON FUNCTION audit_sign_head(uuid, bigint, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_sign_head(uuid, bigint, bytea) TO custodian_app;

-- At commit, a head that moved must carry the signature of where it ended.
CREATE FUNCTION audit_heads_require_signature() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  head audit_heads%ROWTYPE;
BEGIN
  SELECT * INTO head FROM audit_heads WHERE tenant_id = NEW.tenant_id;
  IF FOUND AND head.last_seq > 0 AND head.signed_seq IS DISTINCT FROM head.last_seq THEN
    RAISE EXCEPTION 'audit head of tenant % moved to seq % without a signature', head.tenant_id, head.last_seq
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER audit_heads_signed AFTER INSERT OR UPDATE ON audit_heads
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_heads_require_signature();
