package io.orrery.core.callbacks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether progress output may redraw its line in place with carriage returns. Only a terminal shows a redrawn
 * line as one line; a log file or a pipe keeps every {@code \r} and turns a progress bar into thousands of
 * characters on one line. So progress bars write whole lines unless their stream is a terminal.
 *
 * <p>The choice can be forced with the system property {@value #PROGRESS_PROPERTY} or the environment variable
 * {@value #PROGRESS_ENV}: {@code lines} (never redraw), {@code bar} (always redraw) or {@code auto} (the default:
 * redraw on a terminal only).
 */
public final class Terminal {

    /** System property that forces the progress style: {@code auto}, {@code lines} or {@code bar}. */
    public static final String PROGRESS_PROPERTY = "orrery.progress";
    /** Environment variable read when the system property is not set. */
    public static final String PROGRESS_ENV = "ORRERY_PROGRESS";

    /** How progress is written. */
    public enum Style {
        /** Redraw on a terminal, whole lines elsewhere. */
        AUTO,
        /** Whole lines only, never a carriage return. */
        LINES,
        /** Redraw in place even when the stream does not look like a terminal. */
        BAR
    }

    private Terminal() {
    }

    /**
     * Whether progress written to {@code out} may be redrawn in place: the forced style if one is set, otherwise
     * whether {@code out} is this process's standard output or error and that is a terminal.
     */
    public static boolean redraws(PrintStream out) {
        Style style = style();
        if (style != Style.AUTO) {
            return style == Style.BAR;
        }
        int fd = out == System.out ? 1 : out == System.err ? 2 : -1;
        return fd > 0 && isTerminal(fd);
    }

    /** Whether the forced style (if any) allows redrawing: false only when {@code lines} is set. */
    public static boolean redrawAllowed() {
        return style() != Style.LINES;
    }

    /** The style set by {@value #PROGRESS_PROPERTY} or {@value #PROGRESS_ENV}; {@link Style#AUTO} when neither is. */
    public static Style style() {
        String value = System.getProperty(PROGRESS_PROPERTY);
        String source = PROGRESS_PROPERTY;
        if (value == null) {
            value = System.getenv(PROGRESS_ENV);
            source = PROGRESS_ENV;
        }
        return value == null ? Style.AUTO : parse(source, value);
    }

    static Style parse(String source, String value) {
        try {
            return Style.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value for " + source + ": expected one of [auto, lines, bar], "
                    + "received \"" + value + "\"", e);
        }
    }

    /**
     * Whether file descriptor {@code fd} of this process is a terminal. Java can ask that only of standard input
     * and output together ({@link System#console()}), not of standard error alone, so on Linux the descriptor's
     * link in /proc is read; elsewhere the console test is the answer.
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
