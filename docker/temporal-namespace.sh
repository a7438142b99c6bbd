#!/bin/sh
# Temporal's namespace job (temporalio/admin-tools): the namespace Custodian runs in, and its search attributes,
# retried until the server lists them (a namespace just created takes a moment to accept attributes). The API
# starts only after this job succeeded; the worker checks the same at its start.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}"
retention="${NAMESPACE_RETENTION:-720h}"
for attempt in $(seq 1 60); do
  if temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then break; fi
  echo "waiting for the Temporal server at $TEMPORAL_ADDRESS ($attempt)"
  sleep 2
done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --retention "$retention"
for attempt in $(seq 1 60); do
  listed=$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" 2>/dev/null || true)
  missing=""
  for name in TenantId TicketRef; do
    echo "$listed" | grep -qw "$name" || missing="$missing $name"
  done
  if [ -z "$missing" ]; then
    echo "namespace $NAMESPACE has its search attributes"
    exit 0
  fi
  echo "registering search attributes:$missing ($attempt)"
  for name in $missing; do
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --name "$name" --type Keyword || true
  done
  sleep 2
done
echo "the search attributes TenantId and TicketRef are still not listed in namespace $NAMESPACE" >&2
exit 1
