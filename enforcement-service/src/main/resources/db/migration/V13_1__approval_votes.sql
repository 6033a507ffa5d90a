-- Just-in-time approvals (issue 13): why the rule asked, how many approvers it needs, and each approver's vote.
ALTER TABLE approvals ADD COLUMN request_reason VARCHAR;
ALTER TABLE approvals ADD COLUMN min_approvals INT DEFAULT 1 NOT NULL;

CREATE TABLE approval_votes (
    approval_id VARCHAR(36) NOT NULL,
    approver    VARCHAR NOT NULL,
    voted_at    BIGINT NOT NULL,
    reason      VARCHAR,
    PRIMARY KEY (approval_id, approver)
);
