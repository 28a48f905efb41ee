-- Which organisation runs what is data on the tree, not a broad role: a route
-- declared with DUTY: NAME is for callers whose organisation holds NAME
-- (refunds: the human resources and social security bureaus; vouchers: the
-- commerce bureau; invest: the investment promotion bureaus; statistics;
-- assessment).  Loaded from the duties column of data/orgs/fuzhou.csv.
CREATE TABLE org_duties (
  org_id  INTEGER NOT NULL REFERENCES orgs(id),
  duty    TEXT NOT NULL,
  PRIMARY KEY (org_id, duty)
);
