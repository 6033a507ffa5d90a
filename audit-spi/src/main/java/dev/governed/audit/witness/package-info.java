/** A witness for the tail of audit trails: {@link dev.governed.audit.witness.WitnessSink}. */
package dev.governed.audit.witness;
