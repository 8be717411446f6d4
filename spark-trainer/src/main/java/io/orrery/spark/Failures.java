package io.orrery.spark;

import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.exchange.ExchangeException;

/**
 * Turns a Spark job failure whose root is one of our own, user-facing exceptions back into that exception, so the
 * caller sees "Label out of range: ..." rather than "Job aborted due to stage failure: ...".
 */
final class Failures {

    private Failures() {
    }

    static RuntimeException unwrap(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException) {
                return new InvalidInputException(t.getMessage());
            }
            if (t instanceof ExchangeException) {
                return new ExchangeException(t.getMessage(), failure);
            }
        }
        // Spark sometimes keeps only the text of an executor's exception.
        String text = String.valueOf(failure.getMessage());
        String marker = InvalidInputException.class.getName() + ": ";
        int at = text.indexOf(marker);
        if (at >= 0) {
            String rest = text.substring(at + marker.length());
            int end = rest.indexOf('\n');
            return new InvalidInputException(end < 0 ? rest : rest.substring(0, end));
        }
        return Failures.<RuntimeException>sneaky(failure);
    }

    /** Rethrows Spark's (checked, Scala-thrown) SparkException unchanged. */
    @SuppressWarnings("unchecked")
    private static <T extends Exception> T sneaky(Exception failure) throws T {
        throw (T) failure;
    }
}
