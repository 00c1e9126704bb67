package chat.bench;

import chat.protocol.ProtocolException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code count} connection set-ups with at most {@code parallelism} in flight; the first failure ends it. */
final class Connector {

    interface Step {
        void connect(int index) throws IOException, ProtocolException;
    }

    private Connector() {
    }

    static void run(int count, int parallelism, Step step) throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(parallelism);
        List<Future<Void>> results = new ArrayList<>(count);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                slots.acquire();
                int index = i;
                results.add(pool.submit(() -> {
                    try {
                        step.connect(index);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
                if (i % 64 == 0) {
                    failFast(results);
                }
            }
            for (Future<Void> f : results) {
                unwrap(f);
            }
        }
    }

    private static void failFast(List<Future<Void>> results) throws IOException, InterruptedException {
        for (Future<Void> f : results) {
            if (f.isDone()) {
                unwrap(f);
            }
        }
    }

    private static void unwrap(Future<Void> f) throws IOException, InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        }
    }
}
