-- Carrying what a closed round left (unclaimed stock and vouchers that expired
-- unused) into a later round: the new kind remembers where its stock came from,
-- and a kind can be carried once.
ALTER TABLE voucher_kinds ADD COLUMN carried_from INTEGER REFERENCES voucher_kinds(id);
CREATE UNIQUE INDEX voucher_kinds_carried_from ON voucher_kinds(carried_from) WHERE carried_from IS NOT NULL;
