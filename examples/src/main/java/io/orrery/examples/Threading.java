package io.orrery.examples;

import io.orrery.core.tensor.Backend;

/** Applies the threading defaults that measured fastest here before the first ND4J operation. */
final class Threading {

    private Threading() {
    }

    static void configure() {
        Backend.configureThreads();
    }
}
