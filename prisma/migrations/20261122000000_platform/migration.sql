-- Platform: tenants, API keys, tickets and the audit trail, isolated per tenant by row-level security.
-- Runs as the owner role. The application connects as custodian_app (NOSUPERUSER, NOBYPASSRLS, not the
-- owner), so FORCE ROW LEVEL SECURITY plus these policies are what keep tenants apart.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- The tenant a transaction acts for; NULL when unset, and an unset local setting on a pooled connection
-- reads back as '' (hence NULLIF), so a query that forgot its context matches no row at all.
CREATE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
  id                 uuid PRIMARY KEY,
  slug               text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending_deletion')),
  last_ticket_number integer NOT NULL DEFAULT 0 CHECK (last_ticket_number >= 0),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role       text NOT NULL CHECK (role IN ('admin', 'manager', 'agent', 'auditor')),
  key_hash   bytea NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE tickets (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  ref                 text NOT NULL CHECK (ref ~ '^CT-[0-9]{6,}$'),
  type                text NOT NULL CHECK (type IN ('general', 'password_reset', 'account_unlock', 'access_change', 'security_report')),
  status              text NOT NULL CHECK (status IN ('new', 'triaged', 'in_progress', 'resolved', 'closed', 'rejected')),
  summary             text NOT NULL CHECK (length(summary) BETWEEN 1 AND 200),
  description         text CHECK (length(description) <= 10000),
  priority            text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  requester           text NOT NULL CHECK (length(requester) BETWEEN 1 AND 320),
  assignee            text CHECK (length(assignee) <= 320),
  workflow_id         text NOT NULL,
  idempotency_key     text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  request_fingerprint text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, ref),
  UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE audit_events (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq       bigint NOT NULL CHECK (seq >= 1),
  actor     text NOT NULL CHECK (length(actor) BETWEEN 1 AND 320),
  action    text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]*$'),
  target    text,
  outcome   text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied', 'pending')),
  details   jsonb NOT NULL DEFAULT '{}'::jsonb,
  at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq)
);

-- seq is gapless per tenant: each insert takes the tenant's head row lock, so concurrent writers queue
-- instead of racing, and a rolled-back insert rolls its number back too.
CREATE TABLE audit_heads (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  last_seq  bigint NOT NULL
);

-- SECURITY DEFINER so the app role needs no rights on audit_heads at all; FORCE RLS still confines it
-- to the tenant of the transaction.
CREATE FUNCTION audit_events_assign_seq() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  INSERT INTO audit_heads AS h (tenant_id, last_seq) VALUES (NEW.tenant_id, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET last_seq = h.last_seq + 1
    RETURNING last_seq INTO NEW.seq;
  NEW.at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_events_seq BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_assign_seq();

-- Platform operators' keys: not tenant data, readable by the app only to authenticate.
CREATE TABLE operator_keys (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  key_hash   bytea NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = current_tenant_id()) WITH CHECK (id = current_tenant_id());

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tickets
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO custodian_app;
GRANT SELECT, INSERT, UPDATE ON tenants TO custodian_app;
GRANT SELECT, INSERT, UPDATE ON api_keys TO custodian_app;
GRANT SELECT, INSERT, UPDATE ON tickets TO custodian_app;
-- The trail is append-only for the application: no UPDATE, no DELETE.
GRANT SELECT, INSERT ON audit_events TO custodian_app;
GRANT SELECT ON operator_keys TO custodian_app;
