#!/usr/bin/env bash
# Runs once, as the postgres superuser, when the postgres container creates its cluster: the roles
# Custodian expects (owner for migrations; app role that row-level security always applies to; the
# audit keeper, a NOLOGIN role), and Temporal's own login role with its two databases (Temporal never
# connects as the superuser).
# The passwords reach SQL only as psql variables (:'name' quotes them as literals), so any character in
# them, a quote included, stays part of the password.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=owner_password="${CUSTODIAN_OWNER_PASSWORD:?}" \
  --set=app_password="${CUSTODIAN_APP_PASSWORD:?}" \
  --set=temporal_password="${TEMPORAL_DB_PASSWORD:?}" <<'SQL'
CREATE ROLE custodian_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE custodian_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD :'app_password';
-- Owns the only functions that may delete audit events; nobody logs in as it (see database-provisioning.ts).
CREATE ROLE custodian_audit_keeper NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
GRANT custodian_audit_keeper TO custodian_owner WITH INHERIT FALSE;
CREATE DATABASE custodian OWNER custodian_owner;
-- Temporal's persistence and visibility stores; its schema job (docker/temporal-schema.sh) fills them as this role.
CREATE ROLE temporal LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
-- Its visibility schema wants btree_gin; created here so that role needs no more than owning its databases.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
SQL
