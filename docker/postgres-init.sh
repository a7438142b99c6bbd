#!/usr/bin/env bash
# Runs once, as the postgres superuser, when the postgres container creates its cluster: the roles
# Custodian expects (owner for migrations; app role that row-level security always applies to; the
# audit keeper, a NOLOGIN role) and a database for Temporal.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE custodian_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '${CUSTODIAN_OWNER_PASSWORD}';
CREATE ROLE custodian_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD '${CUSTODIAN_APP_PASSWORD}';
-- Owns the only functions that may delete audit events; nobody logs in as it (see database-provisioning.ts).
CREATE ROLE custodian_audit_keeper NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
GRANT custodian_audit_keeper TO custodian_owner WITH INHERIT FALSE;
CREATE DATABASE custodian OWNER custodian_owner;
SQL
