package io.orrery.core.optimizers;

/** Range checks for optimizer and schedule settings; messages say which setting, what range, and what was found. */
final class Checks {

    private Checks() {
    }

    static double nonNegative(String owner, String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(owner + ": expected " + key + " >= 0 and finite, found " + value);
        }
        return value;
    }

    static double positive(String owner, String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(owner + ": expected " + key + " > 0 and finite, found " + value);
        }
        return value;
    }

    /** {@code [0, 1)}: decay rates such as rho and beta_1, where 1 would freeze the average forever. */
    static double unitOpen(String owner, String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": expected " + key + " in [0, 1), found " + value);
        }
        return value;
    }

    /** {@code [0, 1]}: momentum, as Keras's SGD checks it. */
    static double unitClosed(String owner, String key, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(owner + ": expected " + key + " in [0, 1], found " + value);
        }
        return value;
    }

    static long positive(String owner, String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(owner + ": expected " + key + " > 0, found " + value);
        }
        return value;
    }

    static long nonNegative(String owner, String key, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(owner + ": expected " + key + " >= 0, found " + value);
        }
        return value;
    }
}
