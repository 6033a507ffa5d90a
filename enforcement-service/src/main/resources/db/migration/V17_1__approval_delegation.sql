-- The requester's RFC 8693 actor chain (JSON list, current actor first), so no party of it can approve the request.
ALTER TABLE approvals ADD COLUMN delegation_json VARCHAR;
