-- The keeper needed CREATE on the schema only while it was being handed its functions. Without it, a member
-- that SETs ROLE to it cannot create a function of its own that would run as the keeper. A later migration
-- that hands the keeper another function grants CREATE for that moment and revokes it again.
REVOKE CREATE ON SCHEMA public FROM custodian_audit_keeper;

-- The same for temporary functions (pg_temp): only the roles that log in keep the right to make temporary
-- objects, which PostgreSQL otherwise grants to PUBLIC and so to the keeper.
DO $$
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO custodian_app', current_database());
END
$$;
