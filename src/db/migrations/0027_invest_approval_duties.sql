-- Investment promotion and approval become duties (org_duties), checked on
-- every route like refunds and vouchers: invest for the investment promotion
-- bureaus (leads, transfers, key enterprises and visits, signing), approval
-- for the bureaus that approve a major project's items.  A database made
-- before this gets them from the work its organisations already do, so
-- nothing that worked stops: invest where users hold the role officer, approval
-- where the catalogue or a plan routes items (a district's bureau by the
-- catalogue's local suffix).  A new database takes both from data/orgs/fuzhou.csv.
INSERT INTO org_duties(org_id, duty)
SELECT DISTINCT u.org_id, 'invest' FROM users u
WHERE u.role = 'officer'
  AND NOT EXISTS (SELECT 1 FROM org_duties d WHERE d.org_id = u.org_id AND d.duty = 'invest');

INSERT INTO org_duties(org_id, duty)
SELECT o.id, 'approval' FROM orgs o
WHERE (EXISTS (SELECT 1 FROM approval_items a WHERE a.department_org_id = o.id)
       OR EXISTS (SELECT 1 FROM project_items i WHERE i.department_org_id = o.id)
       OR EXISTS (SELECT 1 FROM approval_items a JOIN orgs p ON p.id = o.parent_id
                  WHERE a.local_suffix IS NOT NULL AND o.code = p.code || '-' || a.local_suffix))
  AND NOT EXISTS (SELECT 1 FROM org_duties d WHERE d.org_id = o.id AND d.duty = 'approval');
