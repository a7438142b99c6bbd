-- Tamper-evident audit trail: every event carries hash = SHA-256(prev_hash || canonical JSON of the event),
-- computed by the writer (libs/audit) and linked here under the tenant's head row lock, so concurrent
-- writers queue instead of forking the chain, and seq stays gapless.

ALTER TABLE audit_events ADD COLUMN prev_hash bytea;
ALTER TABLE audit_events ADD COLUMN hash bytea;
-- Events written before the chain existed (none outside development) get a marker the verifier reports.
UPDATE audit_events SET hash = '\x00'::bytea WHERE hash IS NULL;
ALTER TABLE audit_events ALTER COLUMN hash SET NOT NULL;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_hash_length CHECK (octet_length(hash) = 32 OR hash = '\x00'::bytea);
ALTER TABLE audit_heads ADD COLUMN last_hash bytea;
ALTER TABLE audit_heads ADD COLUMN last_at timestamptz;

ALTER TABLE tenants ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 730
  CHECK (audit_retention_days BETWEEN 30 AND 3650);

-- Where a pruned chain resumes: the last pruned event's seq and hash.
CREATE TABLE audit_checkpoints (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  seq           bigint NOT NULL,
  hash          bytea NOT NULL,
  pruned_before timestamptz NOT NULL,
  pruned_count  bigint NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq)
);
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoints
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT ON audit_checkpoints TO custodian_app;

-- The writer's first step: lock the tenant's head (creating it on the first event) and read it.
-- It also hands out the event time: the database clock in milliseconds (exactly representable in
-- JavaScript), never earlier than the previous event, so time order follows seq order across writers.
CREATE FUNCTION audit_lock_head(p_tenant uuid) RETURNS TABLE (last_seq bigint, last_hash bytea, event_at timestamptz)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'audit head of another tenant' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO audit_heads (tenant_id, last_seq) VALUES (p_tenant, 0) ON CONFLICT (tenant_id) DO NOTHING;
  RETURN QUERY
    SELECT h.last_seq, h.last_hash,
           greatest(date_trunc('milliseconds', clock_timestamp()), h.last_at)
    FROM audit_heads h WHERE h.tenant_id = p_tenant FOR UPDATE;
END
$$;
REVOKE ALL ON FUNCTION audit_lock_head(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_lock_head(uuid) TO custodian_app;

-- Replaces the seq-assigning trigger: the event must extend the head exactly (next seq, previous hash).
DROP TRIGGER audit_events_seq ON audit_events;
DROP FUNCTION audit_events_assign_seq();
CREATE FUNCTION audit_events_link() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  head audit_heads%ROWTYPE;
BEGIN
  SELECT * INTO head FROM audit_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit event without a locked head: use audit_lock_head first' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.seq <> head.last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head.last_hash THEN
    RAISE EXCEPTION 'audit event does not extend the chain (seq %, head %)', NEW.seq, head.last_seq
      USING ERRCODE = 'check_violation';
  END IF;
  UPDATE audit_heads SET last_seq = NEW.seq, last_hash = NEW.hash, last_at = NEW.at WHERE tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_events_link BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_link();

-- Append-only even for the owner: UPDATE, DELETE and TRUNCATE are refused unless the documented
-- maintenance function audit_prune_before() is the one asking.
CREATE FUNCTION audit_events_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('custodian.audit_maintenance', true) = 'prune' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_reject_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();

-- Maintenance (owner only): drop a tenant's events older than the cutoff, leaving a checkpoint so the
-- rest of the chain still verifies. Run by `npm run audit:prune`.
CREATE FUNCTION audit_prune_before(p_tenant uuid, p_cutoff timestamptz) RETURNS bigint
  LANGUAGE plpgsql
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
  PERFORM set_config('custodian.audit_maintenance', 'prune', true);
  DELETE FROM audit_events WHERE tenant_id = p_tenant AND seq <= last_pruned.seq;
  GET DIAGNOSTICS pruned = ROW_COUNT;
  PERFORM set_config('custodian.audit_maintenance', '', true);
  INSERT INTO audit_checkpoints (tenant_id, seq, hash, pruned_before, pruned_count)
    VALUES (p_tenant, last_pruned.seq, last_pruned.hash, p_cutoff, pruned);
  RETURN pruned;
END
$$;
REVOKE ALL ON FUNCTION audit_prune_before(uuid, timestamptz) FROM PUBLIC;

GRANT SELECT ON audit_heads TO custodian_app;

-- The retention job runs as the owner and must find every tenant; a role-scoped read policy, not a bypass.
CREATE POLICY owner_lists_tenants ON tenants FOR SELECT TO custodian_owner USING (true);
