-- An approver may approve for less time than was asked ("approve for a shorter time"); with two
-- approvers the grant lasts the shortest any of them allowed.
ALTER TABLE access_approvals ADD COLUMN duration_days integer CHECK (duration_days > 0);
