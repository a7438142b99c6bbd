-- A deletion that has begun (its tombstone is open, rows are going) cannot be undone by making the tenant
-- active again: that would leave it half deleted and stop the deletion's batches, which check the tenant is
-- pending. Same guard as before otherwise.
CREATE OR REPLACE FUNCTION tenants_guard_deletion_request() RETURNS trigger
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
    IF OLD.status = 'pending_deletion' AND EXISTS (SELECT 1 FROM tenant_tombstones WHERE deleted_tenant_id = OLD.id) THEN
      RAISE EXCEPTION 'the deletion of tenant % has begun and cannot be cancelled', OLD.id
        USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    NEW.deletion_requested_at := NULL;
    NEW.deletion_requested_by := NULL;
    NEW.deletion_scheduled_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
