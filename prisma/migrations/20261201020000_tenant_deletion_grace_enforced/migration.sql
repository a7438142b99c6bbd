-- The deletion grace period and the tenant kind, enforced by the database for every role that writes tenants
-- (the app role above all): the application says that a deletion is asked for and by whom, the database says
-- when. Before this, the app role could UPDATE deletion_scheduled_at freely, so a compromised API or worker could
-- backdate a deletion and begin_tenant_deletion() trusted the column it had written.

-- Seven days from the request, by the database's clock; a constant, not a setting anyone can lower.
CREATE FUNCTION tenant_deletion_grace_period() RETURNS interval
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT interval '7 days' $$;
GRANT EXECUTE ON FUNCTION tenant_deletion_grace_period() TO custodian_app;

-- A tenant is created active. Its kind never changes (a platform tenant stays one and can never be deleted).
-- Going pending stamps the request time with now() and derives the schedule from it, whatever the writer put
-- in those columns; while pending, the request cannot be moved or re-attributed (cancel and ask again);
-- going active clears it.
CREATE FUNCTION tenants_guard_deletion_request() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'active' OR NEW.deletion_requested_at IS NOT NULL OR NEW.deletion_requested_by IS NOT NULL
       OR NEW.deletion_scheduled_at IS NOT NULL THEN
      RAISE EXCEPTION 'a tenant is created active; its deletion is asked for afterwards' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.kind IS DISTINCT FROM OLD.kind THEN
    RAISE EXCEPTION 'the kind of tenant % cannot change', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.status = 'pending_deletion' AND OLD.status = 'active' THEN
    IF NEW.kind = 'platform' THEN
      RAISE EXCEPTION 'tenant % is a platform tenant and can never be deleted', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- In milliseconds, as JavaScript carries it: the workflow names the request by this time.
    NEW.deletion_requested_at := date_trunc('milliseconds', now());
    NEW.deletion_scheduled_at := NEW.deletion_requested_at + tenant_deletion_grace_period();
  ELSIF NEW.status = 'pending_deletion' THEN
    IF NEW.deletion_requested_at IS DISTINCT FROM OLD.deletion_requested_at
       OR NEW.deletion_scheduled_at IS DISTINCT FROM OLD.deletion_scheduled_at
       OR NEW.deletion_requested_by IS DISTINCT FROM OLD.deletion_requested_by THEN
      RAISE EXCEPTION 'the pending deletion of tenant % cannot be changed; cancel it and ask again', OLD.id
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  ELSE
    NEW.deletion_requested_at := NULL;
    NEW.deletion_requested_by := NULL;
    NEW.deletion_scheduled_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tenants_deletion_request BEFORE INSERT OR UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION tenants_guard_deletion_request();

-- The deletion functions compute the deadline from the request time themselves instead of trusting the
-- stored schedule, and refuse platform tenants outright.
CREATE OR REPLACE FUNCTION assert_tenant_deletion_due(p_tenant uuid) RETURNS void
  LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
  AS $$
DECLARE
  t tenants%ROWTYPE;
  due timestamptz;
BEGIN
  IF p_tenant IS DISTINCT FROM current_tenant_id() THEN
    RAISE EXCEPTION 'tenant deletion outside the tenant''s own context' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT * INTO t FROM tenants WHERE id = p_tenant;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant % does not exist', p_tenant USING ERRCODE = 'no_data_found';
  END IF;
  IF t.kind <> 'customer' THEN
    RAISE EXCEPTION 'tenant % is a platform tenant and can never be deleted', p_tenant USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF t.status <> 'pending_deletion' THEN
    RAISE EXCEPTION 'tenant % is not pending deletion', p_tenant USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  due := greatest(t.deletion_requested_at + tenant_deletion_grace_period(), t.deletion_scheduled_at);
  IF now() < due THEN
    RAISE EXCEPTION 'the grace period of tenant % ends at %', p_tenant, due
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'deletion_not_due';
  END IF;
END
$$;
