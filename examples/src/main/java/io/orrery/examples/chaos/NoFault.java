package io.orrery.examples.chaos;

import java.util.Random;

/** The unfaulted run of each mode: the accuracy every faulted run is compared with. */
final class NoFault implements Scenario {

    static final String NAME = "none";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "no fault: the reference accuracy of each mode";
    }

    @Override
    public String inject(ChaosJob job, Random random) {
        return "";
    }
}
