package dev.governed.jdbc.internal.sql;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one small pool every analyzer parses on, so a parse can be abandoned at its time
 * limit without a thread per call. Its queue holds at most one task per waiting caller,
 * because each caller waits for its own parse.
 */
final class ParserThreads {

    static final ExecutorService SHARED = create();

    private ParserThreads() {}

    private static ExecutorService create() {
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "governed-sql-parser-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
