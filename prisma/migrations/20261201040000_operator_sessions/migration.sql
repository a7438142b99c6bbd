-- Operator sign-ins of a browser for the Temporal Web UI's codec requests. The cookie carries a random id;
-- only its SHA-256 is stored, so a read of this table cannot be replayed as a cookie. Platform data (an
-- operator is not a tenant), so no tenant_id and no RLS, like operator_keys.
CREATE TABLE operator_sessions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash      bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  operator_key_id uuid NOT NULL REFERENCES operator_keys (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX operator_sessions_expires_at ON operator_sessions (expires_at);

-- Signing in inserts, signing out and the expiry sweep delete; a session is never rewritten.
GRANT SELECT, INSERT, DELETE ON operator_sessions TO custodian_app;
