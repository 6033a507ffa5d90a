/** {@link dev.governed.audit.verify.AuditVerifier}: checks hash chains and signed checkpoints of audit files. */
package dev.governed.audit.verify;
