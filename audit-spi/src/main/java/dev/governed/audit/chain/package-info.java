/**
 * Tamper evidence: RFC 8785 canonical JSON ({@link dev.governed.audit.chain.Jcs}), the per-stream
 * SHA-256 {@link dev.governed.audit.chain.HashChain}, and signed
 * {@link dev.governed.audit.chain.Checkpoint}s ({@link dev.governed.audit.chain.CheckpointSigner},
 * JWS with EdDSA/Ed25519 or ES256) that pin a stream's head so rewriting or cutting it shows.
 */
package dev.governed.audit.chain;
