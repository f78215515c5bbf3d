-- Foundation: principals, service API keys, Casbin policy store, governance audit log.

-- People and machines seen in valid tokens, created on first sight.
CREATE TABLE principals (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind         text NOT NULL CHECK (kind IN ('user', 'service')),
  issuer       text NOT NULL,
  subject      text NOT NULL,
  email        text,
  name         text,
  idp_groups   text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer, subject)
);

-- Machine credentials. Only a SHA-256 of the secret is kept: keys are 256-bit random,
-- so a slow password hash would add latency without adding safety.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  key_prefix   text NOT NULL UNIQUE,
  key_hash     text NOT NULL,
  roles        text[] NOT NULL CHECK (cardinality(roles) > 0),
  domain       text NOT NULL DEFAULT '*',
  created_by   uuid NOT NULL REFERENCES principals (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  revoked_by   uuid REFERENCES principals (id),
  last_used_at timestamptz
);
CREATE INDEX api_keys_created_at_idx ON api_keys (created_at DESC, id DESC);

-- Casbin's conventional rule table: ptype p = policy, g = role assignment.
CREATE TABLE casbin_rule (
  id    bigserial PRIMARY KEY,
  ptype text NOT NULL,
  v0    text NOT NULL DEFAULT '',
  v1    text NOT NULL DEFAULT '',
  v2    text NOT NULL DEFAULT '',
  v3    text NOT NULL DEFAULT '',
  v4    text NOT NULL DEFAULT '',
  v5    text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX casbin_rule_unique_idx ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);

-- Lines of policies/policy.csv already applied to casbin_rule. A default line is applied once:
-- lines added to policy.csv by later releases reach existing installations, and a default line an
-- admin removed stays removed.
CREATE TABLE policy_defaults_applied (
  ptype      text NOT NULL,
  rule       text[] NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ptype, rule)
);

-- Append-only, hash-chained log of governance actions, denials and rejected credentials.
-- hash = sha256(prev_hash || canonical JSON of the row's other fields); see governance-audit/.
CREATE TABLE governance_audit_events (
  seq         bigint PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  actor_id    text,
  actor_label text,
  action      text NOT NULL,
  target      text,
  decision    text NOT NULL CHECK (decision IN ('allow', 'deny', 'error')),
  reason      text,
  request_id  text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX governance_audit_events_occurred_at_idx ON governance_audit_events (occurred_at);
CREATE INDEX governance_audit_events_actor_idx ON governance_audit_events (actor_id, seq);
CREATE INDEX governance_audit_events_action_idx ON governance_audit_events (action, seq);
CREATE INDEX governance_audit_events_decision_idx ON governance_audit_events (decision, seq);

-- The application never updates or deletes audit rows; refuse it at the database too.
-- (A superuser can still bypass triggers; the hash chain is what detects that.)
CREATE FUNCTION governance_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'governance_audit_events is append-only';
END $$;
CREATE TRIGGER governance_audit_events_no_update
  BEFORE UPDATE OR DELETE ON governance_audit_events
  FOR EACH ROW EXECUTE FUNCTION governance_audit_events_append_only();
CREATE TRIGGER governance_audit_events_no_truncate
  BEFORE TRUNCATE ON governance_audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION governance_audit_events_append_only();
