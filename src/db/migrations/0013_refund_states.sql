-- Where each refund decision and batch stands, from the run to the money
-- (publicity, approval, payment, recovery: see docs/api.md).  The states are
-- named here once so that every part of src/refunds/ and the statistics read
-- the same words.

-- decided: after a run (ineligible decisions stay so); withdrawn: an objection
-- upheld, or re-decided away; approved: its batch approved; sent: in a bank
-- payment file; paid / failed: as the bank returned it; recovering, recovered,
-- written_off: a paid decision found wrong (追回).
ALTER TABLE refund_decisions ADD COLUMN state TEXT NOT NULL DEFAULT 'decided'
  CHECK (state IN ('decided', 'withdrawn', 'approved', 'sent', 'paid', 'failed',
                   'recovering', 'recovered', 'written_off'));
CREATE INDEX refund_decisions_state ON refund_decisions(batch_id, state);

-- decided → publicised (window open; closed once its end has passed) →
-- approved → paying (a payment file produced) → settled.
ALTER TABLE refund_batches ADD COLUMN state TEXT NOT NULL DEFAULT 'decided'
  CHECK (state IN ('decided', 'publicised', 'approved', 'paying', 'settled'));
