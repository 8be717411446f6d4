package io.orrery.spark;

import io.orrery.spark.exchange.ParameterServerLink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A parameter server starting on a thread of its own while the driver does other work (the data split), so that a fit
 * pays for the longer of the two, not their sum. Whoever begins one must {@link #await} it or {@link #abandon} it.
 */
final class ServerStart {

    private final CompletableFuture<ParameterServerLink> future;

    private ServerStart(CompletableFuture<ParameterServerLink> future) {
        this.future = future;
    }

    static ServerStart begin(Supplier<ParameterServerLink> open) {
        return new ServerStart(CompletableFuture.supplyAsync(open, task -> {
            Thread thread = new Thread(task, "orrery-server-start");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /** The started server; its start's failure is rethrown as it was thrown. */
    ParameterServerLink await() {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("the parameter server did not start: " + cause, cause);
        }
    }

    /** The work that needed the server failed: stop the server once it has started (or ignore its failure). */
    void abandon() {
        future.whenComplete((link, failure) -> {
            if (link != null) {
                link.close();
            }
        });
    }
}
