-- Every notice Custodian sends (deletion notices, breach notices, reminders) is recorded here with its
-- delivery time as evidence. The local default notifier delivers into this table; the SMTP notifier
-- records what it sent. delivery_key makes a retried send a no-op instead of a second email.

CREATE TABLE notifications (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  delivery_key text NOT NULL CHECK (length(delivery_key) BETWEEN 1 AND 300),
  kind         text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]*$'),
  recipients   text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 100),
  subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  body         text NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('outbox', 'smtp')),
  message_id   text,
  delivered_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, delivery_key)
);

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notifications
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
GRANT SELECT, INSERT ON notifications TO custodian_app;

-- Notices that belong to no tenant: the security team's reminders, regulator notices.
CREATE TABLE platform_notifications (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  delivery_key text NOT NULL UNIQUE CHECK (length(delivery_key) BETWEEN 1 AND 300),
  kind         text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]*$'),
  recipients   text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 100),
  subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  body         text NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('outbox', 'smtp')),
  message_id   text,
  delivered_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON platform_notifications TO custodian_app;
