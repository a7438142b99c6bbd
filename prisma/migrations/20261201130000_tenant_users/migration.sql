-- People who sign in to a tenant: accounts, invitations, browser sessions, TOTP recovery codes, the tenant's
-- sign-in policy, and the time-boxed support access platform staff need to read a tenant's data. Every table is
-- a tenant table under the same row-level security as the rest.

CREATE TABLE tenant_users (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role                text NOT NULL CHECK (role IN ('admin', 'manager', 'agent', 'auditor')),
  status              text NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
  -- Argon2id PHC string; NULL until the invitation is accepted.
  password_hash       text CHECK (password_hash LIKE '$argon2id$%'),
  password_changed_at timestamptz,
  failed_sign_ins     integer NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
  locked_until        timestamptz,
  -- The TOTP secret, envelope-encrypted under a data key of its own; enabled once a first code confirmed it.
  totp_ciphertext     text,
  totp_data_key_id    uuid REFERENCES data_keys (id),
  totp_enabled_at     timestamptz,
  -- The last 30-second step a code was accepted for: a code of that step or an earlier one is refused.
  totp_last_step      bigint,
  created_by          text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 400),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((totp_ciphertext IS NULL) = (totp_data_key_id IS NULL)),
  CHECK (totp_enabled_at IS NULL OR totp_ciphertext IS NOT NULL),
  CHECK (status = 'invited' OR password_hash IS NOT NULL)
);
-- One account per address in a tenant, whatever its case; the same address may exist in other tenants.
CREATE UNIQUE INDEX tenant_users_email ON tenant_users (tenant_id, lower(email));

CREATE TABLE tenant_user_invitations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  user_id     uuid NOT NULL REFERENCES tenant_users (id) ON DELETE CASCADE,
  -- SHA-256 of the link token (256 random bits); the token itself is shown once to the inviting admin.
  token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL CHECK (expires_at > created_at),
  used_at     timestamptz
);
CREATE INDEX tenant_user_invitations_user ON tenant_user_invitations (tenant_id, user_id);

CREATE TABLE tenant_user_sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  user_id       uuid NOT NULL REFERENCES tenant_users (id) ON DELETE CASCADE,
  -- SHA-256 of the cookie's random part: a read of this table cannot be replayed as a cookie.
  token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  -- The absolute end; the idle end is last_seen_at plus the idle lifetime.
  expires_at    timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX tenant_user_sessions_user ON tenant_user_sessions (tenant_id, user_id);

CREATE TABLE tenant_user_recovery_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  user_id     uuid NOT NULL REFERENCES tenant_users (id) ON DELETE CASCADE,
  code_hash   bytea NOT NULL CHECK (octet_length(code_hash) = 32),
  used_at     timestamptz,
  UNIQUE (user_id, code_hash)
);

CREATE TABLE tenant_sign_in_policies (
  tenant_id    uuid PRIMARY KEY REFERENCES tenants (id),
  require_otp  boolean NOT NULL DEFAULT false,
  updated_by   text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A platform operator's access to one tenant's data: who (the operator key), why, from when and until when.
CREATE TABLE support_access_grants (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  operator_key_id   uuid NOT NULL REFERENCES operator_keys (id),
  operator_name     text NOT NULL,
  reason            text NOT NULL CHECK (length(reason) BETWEEN 10 AND 1000),
  starts_at         timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL CHECK (expires_at > starts_at AND expires_at <= starts_at + interval '8 hours'),
  ended_at          timestamptz,
  ended_by          text
);
CREATE INDEX support_access_grants_operator ON support_access_grants (tenant_id, operator_key_id, expires_at);

ALTER TABLE tenant_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_users
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
ALTER TABLE tenant_user_invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_user_invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_user_invitations
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
ALTER TABLE tenant_user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_user_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_user_sessions
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
ALTER TABLE tenant_user_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_user_recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_user_recovery_codes
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
ALTER TABLE tenant_sign_in_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_sign_in_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_sign_in_policies
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
ALTER TABLE support_access_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE support_access_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON support_access_grants
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_users TO custodian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_user_invitations TO custodian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_user_sessions TO custodian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_user_recovery_codes TO custodian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_sign_in_policies TO custodian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON support_access_grants TO custodian_app;

-- Sign-in names its tenant by slug before any tenant context exists: this answers only the id of an active
-- tenant with that slug, nothing else of any tenant.
CREATE FUNCTION tenant_id_for_sign_in(p_slug text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id FROM tenants WHERE slug = p_slug AND kind = 'customer' $$;
REVOKE ALL ON FUNCTION tenant_id_for_sign_in(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_id_for_sign_in(text) TO custodian_app;

-- A consent started from a person's session is bound to that browser: the SHA-256 of a random value kept in a
-- cookie of that browser. The provider's callback completes it only when the same cookie comes back.
ALTER TABLE oauth_connect_states ADD COLUMN browser_binding_hash text CHECK (browser_binding_hash IS NULL OR length(browser_binding_hash) = 64);
