-- Model registry, model cards with sign-off, bias reports and the promotion gate (src/model-cards/).

-- name is unique and is also the serving name: prediction records carry it as model_name.
-- owner is a principal id (principals.id), the person accountable for the model; maker-checker
-- keeps them from approving its cards.
CREATE TABLE models (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE,
  domain      text NOT NULL,
  owner       uuid NOT NULL REFERENCES principals (id),
  risk_tier   text NOT NULL CHECK (risk_tier IN ('minimal', 'limited', 'high', 'unacceptable')),
  description text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- models(domain:, riskTier:) pages by name.
CREATE INDEX models_domain_idx ON models (domain, name);
CREATE INDEX models_owner_idx ON models (owner);

CREATE TABLE model_versions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model_id         uuid NOT NULL REFERENCES models (id),
  version          text NOT NULL,
  artifact_uri     text NOT NULL,
  artifact_digest  text NOT NULL,
  framework        text,
  training_run_id  uuid REFERENCES lineage_runs (id),
  stage            text NOT NULL DEFAULT 'development' CHECK (stage IN ('development', 'staging', 'production', 'retired')),
  registered_by    text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  stage_changed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model_id, version)
);
CREATE INDEX model_versions_run_idx ON model_versions (training_run_id) WHERE training_run_id IS NOT NULL;

-- Training and evaluation datasets of a version. Indexed by dataset so that "which models were
-- trained on this dataset" (lineage impact, access reviews) is one index scan.
CREATE TABLE model_version_datasets (
  model_version_id uuid NOT NULL REFERENCES model_versions (id),
  dataset_id       uuid NOT NULL REFERENCES lineage_datasets (id),
  role             text NOT NULL CHECK (role IN ('training', 'evaluation')),
  PRIMARY KEY (model_version_id, dataset_id, role)
);
CREATE INDEX model_version_datasets_dataset_idx ON model_version_datasets (dataset_id, role);

-- Exceptions let a version reach production despite named failing gate conditions, until expiry.
CREATE TABLE model_promotion_exceptions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model_version_id uuid NOT NULL REFERENCES model_versions (id),
  name             text NOT NULL,
  reason           text NOT NULL,
  waives           text[] NOT NULL,
  granted_by       text NOT NULL,
  granted_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  CHECK (expires_at > granted_at),
  CHECK (waives <@ ARRAY['card_approval', 'bias_report']::text[] AND cardinality(waives) > 0)
);
CREATE INDEX model_promotion_exceptions_version_idx ON model_promotion_exceptions (model_version_id, expires_at DESC);

-- Every stage change, including the initial registration (from_stage NULL).
CREATE TABLE model_stage_history (
  id               bigserial PRIMARY KEY,
  model_version_id uuid NOT NULL REFERENCES model_versions (id),
  from_stage       text,
  to_stage         text NOT NULL,
  changed_by       text NOT NULL,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  reason           text,
  exception_id     uuid REFERENCES model_promotion_exceptions (id)
);
CREATE INDEX model_stage_history_version_idx ON model_stage_history (model_version_id, id);

-- One card per model version; its content lives in revisions, the newest being current.
CREATE TABLE model_cards (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model_version_id uuid NOT NULL UNIQUE REFERENCES model_versions (id),
  status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'approved', 'changes_requested')),
  current_revision integer NOT NULL DEFAULT 1,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_cards_status_idx ON model_cards (status);

-- Immutable revisions. content_sha256 is SHA-256 of the RFC 8785 canonical JSON of content:
-- approvals sign it, so a signature names exactly one text.
CREATE TABLE model_card_revisions (
  card_id        uuid NOT NULL REFERENCES model_cards (id),
  revision       integer NOT NULL,
  content        jsonb NOT NULL,
  content_sha256 text NOT NULL,
  author         text NOT NULL,
  source         text NOT NULL CHECK (source IN ('registry', 'edit', 'import_mct', 'import_hugging_face')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (card_id, revision)
);

-- The review trail: submissions, approvals (with signatures), change requests and comments.
CREATE TABLE model_card_reviews (
  id          bigserial PRIMARY KEY,
  card_id     uuid NOT NULL REFERENCES model_cards (id),
  revision    integer NOT NULL,
  action      text NOT NULL CHECK (action IN ('submit', 'approve', 'request_changes', 'comment')),
  actor       text NOT NULL,
  comment     text,
  signature   text,
  key_id      text,
  signed_at   timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (card_id, revision) REFERENCES model_card_revisions (card_id, revision)
);
CREATE INDEX model_card_reviews_card_idx ON model_card_reviews (card_id, id);
-- One approval per approver per revision.
CREATE UNIQUE INDEX model_card_reviews_one_approval ON model_card_reviews (card_id, revision, actor) WHERE action = 'approve';

-- The Ed25519 key approvals are signed with. Generated once on first use and shared by every
-- replica through the database; the public key is published by the API so anyone can verify.
CREATE TABLE model_card_signing_keys (
  id          text PRIMARY KEY,
  public_key  text NOT NULL,
  private_key text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Stored snapshots: the report is computed once and never recomputed, so what a reviewer saw stays.
CREATE TABLE model_bias_reports (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model_version_id   uuid NOT NULL REFERENCES model_versions (id),
  card_id            uuid NOT NULL REFERENCES model_cards (id),
  card_revision      integer NOT NULL,
  source             text NOT NULL CHECK (source IN ('group_results', 'samples', 'prediction_records')),
  protected_attribute text NOT NULL,
  report             jsonb NOT NULL,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (card_id, card_revision) REFERENCES model_card_revisions (card_id, revision)
);
CREATE INDEX model_bias_reports_version_idx ON model_bias_reports (model_version_id, created_at DESC, id DESC);
