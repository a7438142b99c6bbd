#!/bin/sh
# Temporal's schema job (temporalio/admin-tools), as in Temporal's own compose files: sets up, then brings up to
# date, the persistence and visibility schemas, as Temporal's own role. Both steps are idempotent, so it runs on
# every `docker compose up`, also after an image upgrade. postgres-init.sh made the role and its databases.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
port="${DB_PORT:-5432}"
schemas=/etc/temporal/schema/postgresql/v12
for database in temporal temporal_visibility; do
  directory=temporal
  [ "$database" = temporal_visibility ] && directory=visibility
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$database" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$database" update-schema -d "$schemas/$directory/versioned"
done
echo "Temporal schemas are up to date"
