-- Webhooks for one grant reach each receiver in the order they were written: a delivery waits
-- while an earlier one for the same grant and receiver is pending or dead-lettered, so a
-- `grant.created` retried after a failure can never land after the `grant.revoked` that ended it.
CREATE INDEX access_webhook_outbox_order_idx ON access_webhook_outbox (grant_id, target_url, id) WHERE status IN ('pending', 'dead');
