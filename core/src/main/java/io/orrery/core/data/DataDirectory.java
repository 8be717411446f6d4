package io.orrery.core.data;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where datasets are cached, and whether they may be downloaded.
 *
 * <p>The cache root is, in order: the system property {@value #ROOT_PROPERTY}, the environment variable
 * {@value #ROOT_ENV}, else {@code ~/.orrery/datasets}. Each dataset has its own folder under it
 * ({@code mnist/}, {@code fashion-mnist/}). {@code deploy/fetch-data.sh} resolves the root the same way.
 */
public final class DataDirectory {

    /** System property naming the cache root. */
    public static final String ROOT_PROPERTY = "orrery.data.dir";
    /** Environment variable naming the cache root, used when the system property is not set. */
    public static final String ROOT_ENV = "ORRERY_DATA_DIR";
    /** System property that disables downloads when set to {@code false} (tests and offline machines set it). */
    public static final String DOWNLOAD_PROPERTY = "orrery.data.download";

    private DataDirectory() {
    }

    /** The cache root, resolved from the system property, the environment and the user's home directory. */
    public static Path root() {
        return resolve(System::getProperty, System::getenv);
    }

    /** The folder of one dataset under the cache root, e.g. {@code ~/.orrery/datasets/mnist}. */
    public static Path of(DatasetDescriptor dataset) {
        return root().resolve(dataset.directoryName());
    }

    /** True unless the system property {@value #DOWNLOAD_PROPERTY} is {@code false}. */
    public static boolean downloadEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(DOWNLOAD_PROPERTY, "true").trim());
    }

    /** Resolution with the two lookups passed in, so that it can be tested without changing the environment. */
    static Path resolve(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        String fromProperty = systemProperties.apply(ROOT_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return expandHome(fromProperty.trim(), systemProperties);
        }
        String fromEnv = environment.apply(ROOT_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return expandHome(fromEnv.trim(), systemProperties);
        }
        return Path.of(systemProperties.apply("user.home"), ".orrery", "datasets").toAbsolutePath();
    }

    /** A leading {@code ~/} means the home directory, as in the shell (Java does not expand it). */
    private static Path expandHome(String path, UnaryOperator<String> systemProperties) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(systemProperties.apply("user.home") + path.substring(1)).toAbsolutePath();
        }
        return Path.of(path).toAbsolutePath();
    }
}
