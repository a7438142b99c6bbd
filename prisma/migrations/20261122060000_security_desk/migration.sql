-- The security desk: vulnerability reports with their triage tickets, notice contacts of tenants, and what
-- breach notification needs to find every tenant without weakening row-level security.

-- Platform tenants hold the platform's own records (the security desk's triage tickets and its audit trail)
-- under the same row-level security as everyone else; customer tenants are the firms Custodian serves.
ALTER TABLE tenants ADD COLUMN kind text NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'platform'));

-- Where notices to a tenant's admins go (breach notices among them); kept by the tenant's admins.
CREATE TABLE tenant_contacts (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, email)
);
ALTER TABLE tenant_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_contacts
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, DELETE ON tenant_contacts TO custodian_app;

-- A vulnerability report as submitted, beside its triage ticket (both in the security desk's tenant), with
-- the acknowledgement promise and what became of it.
CREATE TABLE security_reports (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                   uuid NOT NULL REFERENCES tenants (id),
  ticket_id                   uuid NOT NULL UNIQUE REFERENCES tickets (id),
  reporter_email              text NOT NULL CHECK (length(reporter_email) BETWEEN 3 AND 320),
  reporter_name               text CHECK (length(reporter_name) BETWEEN 1 AND 200),
  affected_asset              text CHECK (length(affected_asset) BETWEEN 1 AND 500),
  received_at                 timestamptz NOT NULL,
  acknowledgement_due_at      timestamptz NOT NULL,
  acknowledged_at             timestamptz,
  acknowledged_by             text CHECK (length(acknowledged_by) BETWEEN 1 AND 320),
  acknowledgement_overdue_at  timestamptz
);
ALTER TABLE security_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON security_reports
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON security_reports TO custodian_app;

-- Incident references IR-000001, ...: platform data, no tenant.
CREATE SEQUENCE incident_ref_seq;
GRANT USAGE ON SEQUENCE incident_ref_seq TO custodian_app;

-- "All tenants" for a breach assessment. The app role sees one tenant at a time, by design; rather than a
-- policy exception for it, this function runs as the owner (whose owner_lists_tenants policy reads every
-- row) and hands out nothing but the ids of customer tenants. Notice addresses are then read per tenant,
-- inside that tenant's own context.
CREATE FUNCTION customer_tenant_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id FROM tenants WHERE kind = 'customer' ORDER BY created_at, id $$;
REVOKE ALL ON FUNCTION customer_tenant_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION customer_tenant_ids() TO custodian_app;

-- Workflow activities write audit events under a deterministic key so a retried write records once;
-- this index makes that look-up cheap.
CREATE INDEX audit_events_event_key_idx ON audit_events (tenant_id, (details ->> 'eventKey'))
  WHERE details ? 'eventKey';
