package dev.governed.audit.verify;

import dev.governed.audit.AuditFixtures;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.HashChain;
import java.io.Reader;
import java.time.Instant;

/**
 * A chained trail generated while it is read, never stored: {@code events} events with an (unsigned) checkpoint
 * every 1000, so a test can stream hundreds of megabytes through the verifier without a file that size.
 */
final class GeneratedTrail extends Reader {

    private final HashChain chain = new HashChain("generated-stream", null);
    private final long events;
    private StringBuilder pending = new StringBuilder();
    private int offset;

    GeneratedTrail(long events) {
        this.events = events;
    }

    @Override
    public int read(char[] target, int from, int length) {
        while (offset == pending.length()) {
            if (chain.seq() == events) {
                return -1;
            }
            pending.setLength(0);
            offset = 0;
            pending.append(chain.append(AuditFixtures.event("agent:" + chain.seq())).json()).append('\n');
            if (chain.seq() % 1000 == 0 || chain.seq() == events) {
                pending.append(new Checkpoint(chain.stream(), chain.seq(), chain.head(), Instant.now(), null).toJson()).append('\n');
            }
        }
        int count = Math.min(length, pending.length() - offset);
        pending.getChars(offset, offset + count, target, from);
        offset += count;
        return count;
    }

    @Override
    public void close() {
        // nothing held
    }

    /** Verifies a generated trail of {@code args[0]} events; prints the event count and whether it is intact. */
    public static void main(String[] args) throws Exception {
        VerificationResult result = AuditVerifier.withoutSignatures().verify("generated", new GeneratedTrail(Long.parseLong(args[0])));
        System.out.println(result.events() + " " + result.intact());
    }
}
