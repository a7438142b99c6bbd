-- One statement (one round trip) appends an event to the head its transaction locked and signs the head it
-- becomes, instead of an INSERT and then audit_sign_head(): the tenant's audit head (and, for a new ticket, the
-- tenant's ticket counter) stays locked for one round trip fewer. The checks are the existing ones: the
-- audit_events_link trigger (next seq, previous hash, under the head lock), audit_sign_head (the head is at
-- p_seq) and the deferred signature check at commit. SECURITY INVOKER: the INSERT is the caller's, under its
-- row-level security.
CREATE FUNCTION audit_append_signed(
  p_tenant uuid, p_seq bigint, p_actor text, p_action text, p_target text, p_outcome text, p_details jsonb,
  p_at timestamptz, p_prev_hash bytea, p_hash bytea, p_mac bytea
) RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
  AS $$
BEGIN
  INSERT INTO audit_events (tenant_id, seq, actor, action, target, outcome, details, at, prev_hash, hash)
    VALUES (p_tenant, p_seq, p_actor, p_action, p_target, p_outcome, p_details, p_at, p_prev_hash, p_hash);
  PERFORM audit_sign_head(p_tenant, p_seq, p_mac);
END
$$;
REVOKE ALL ON FUNCTION audit_append_signed(uuid, bigint, text, text, text, text, jsonb, timestamptz, bytea, bytea, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append_signed(uuid, bigint, text, text, text, text, jsonb, timestamptz, bytea, bytea, bytea) TO custodian_app;
