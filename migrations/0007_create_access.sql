-- Dataset access requests: facts about requesters, requests and their decisions, approvals,
-- time-bound grants (mirrored as expiring casbin_rule lines, v5 = expiry) and the webhook outbox.

-- Attestations such as completed privacy training, maintained by compliance; one current row per kind.
CREATE TABLE access_attestations (
  principal_id uuid NOT NULL REFERENCES principals (id),
  kind         text NOT NULL,
  expires_at   timestamptz,
  recorded_by  uuid NOT NULL REFERENCES principals (id),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, kind)
);

-- Open policy violations block automatic approval; closed ones are kept for the record.
CREATE TABLE access_violations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id uuid NOT NULL REFERENCES principals (id),
  description  text NOT NULL,
  opened_by    uuid NOT NULL REFERENCES principals (id),
  opened_at    timestamptz NOT NULL DEFAULT now(),
  closed_by    uuid REFERENCES principals (id),
  closed_at    timestamptz
);
CREATE INDEX access_violations_open_idx ON access_violations (principal_id) WHERE closed_at IS NULL;

-- One row per request. status: approved / denied (final), escalated (awaiting people: stage says whose
-- inbox). The rule that decided and the facts it saw are kept, so "why?" always has an answer.
CREATE TABLE access_requests (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  requester_id       uuid NOT NULL REFERENCES principals (id),
  dataset_id         uuid NOT NULL REFERENCES lineage_datasets (id),
  fields             text[] NOT NULL DEFAULT '{}',
  action             text NOT NULL CHECK (action IN ('read', 'read_masked', 'export')),
  purpose            text NOT NULL,
  justification      text NOT NULL DEFAULT '',
  duration_days      integer NOT NULL CHECK (duration_days > 0),
  status             text NOT NULL CHECK (status IN ('approved', 'denied', 'escalated')),
  stage              text CHECK (stage IN ('owner', 'risk_officer')),
  required_approvals integer NOT NULL DEFAULT 1,
  decided_automatically boolean NOT NULL,
  rule_id            text,
  rule_file          text,
  reason             text,
  facts              jsonb NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  escalated_at       timestamptz,
  stage_changed_at   timestamptz,
  decided_at         timestamptz
);
CREATE INDEX access_requests_requester_idx ON access_requests (requester_id, created_at DESC, id DESC);
CREATE INDEX access_requests_inbox_idx ON access_requests (status, created_at DESC, id DESC);
CREATE INDEX access_requests_dataset_idx ON access_requests (dataset_id);
CREATE INDEX access_requests_owner_stage_idx ON access_requests (escalated_at) WHERE status = 'escalated' AND stage = 'owner';

-- People's decisions on escalated requests; one per person per request (two distinct ones for restricted data).
CREATE TABLE access_approvals (
  request_id     uuid NOT NULL REFERENCES access_requests (id),
  approver_id    uuid NOT NULL REFERENCES principals (id),
  approver_label text,
  decision       text NOT NULL CHECK (decision IN ('approve', 'deny')),
  authority      text NOT NULL CHECK (authority IN ('owner', 'risk_officer')),
  reason         text,
  decided_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, approver_id)
);

-- Grants: valid from granted_at until the earlier of expires_at and ended_at. Kept after they end,
-- so "who had access to X at time T" is a range query.
CREATE TABLE access_grants (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id     uuid NOT NULL UNIQUE REFERENCES access_requests (id),
  principal_id   uuid NOT NULL REFERENCES principals (id),
  dataset_id     uuid NOT NULL REFERENCES lineage_datasets (id),
  action         text NOT NULL,
  fields         text[] NOT NULL DEFAULT '{}',
  granted_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  ended_at       timestamptz,
  end_reason     text CHECK (end_reason IN ('revoked', 'expired')),
  ended_by       uuid REFERENCES principals (id),
  end_note       text,
  policy_rule_id bigint,
  CHECK (expires_at > granted_at)
);
CREATE INDEX access_grants_principal_idx ON access_grants (principal_id, granted_at DESC);
CREATE INDEX access_grants_dataset_time_idx ON access_grants (dataset_id, granted_at);
CREATE INDEX access_grants_live_idx ON access_grants (expires_at) WHERE ended_at IS NULL;

-- Transactional outbox: written with the change it announces, delivered by the webhook worker.
CREATE TABLE access_webhook_outbox (
  id              bigserial PRIMARY KEY,
  event           text NOT NULL CHECK (event IN ('grant.created', 'grant.revoked', 'grant.expired')),
  grant_id        uuid NOT NULL REFERENCES access_grants (id),
  target_url      text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX access_webhook_outbox_due_idx ON access_webhook_outbox (next_attempt_at) WHERE status = 'pending';
