package dev.governed.samples;

import dev.governed.service.cli.GovernedCli;
import java.io.PrintWriter;

/**
 * The README's demo, the same as {@code governed demo}: an AI support agent on
 * in-memory H2, governed by an in-process enforcement service. Its code is in
 * {@link dev.governed.samples.demo.Demo}; {@link AgentExample} shows the library
 * API an application uses.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        int code = GovernedCli.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), "demo");
        if (code != 0) {
            throw new IllegalStateException("the demo failed (exit code " + code + ")");
        }
    }
}
