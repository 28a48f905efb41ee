-- 无门槛: a kind may be declared a no-threshold voucher (its threshold is 0);
-- any other kind is 满减 and its face value is below its threshold, which
-- the API checks.  Kinds made before with no threshold were no-threshold
-- vouchers in all but name.
ALTER TABLE voucher_kinds ADD COLUMN no_threshold INTEGER NOT NULL DEFAULT 0 CHECK (no_threshold IN (0, 1));
UPDATE voucher_kinds SET no_threshold = 1 WHERE threshold_fen = 0;
