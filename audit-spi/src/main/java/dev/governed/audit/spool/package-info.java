/**
 * The disk spool that keeps audit lossless while a sink is down: a bounded, fsynced, ordered queue
 * of batches per sink ({@link dev.governed.audit.spool.DiskSpool}) drained in order by
 * {@link dev.governed.audit.spool.SpoolingSink}, also after a restart. Delivery is at-least-once.
 */
package dev.governed.audit.spool;
