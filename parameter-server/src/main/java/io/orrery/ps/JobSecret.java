package io.orrery.ps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the standalone server's secret comes from: a file or an environment variable, never the command line
 * (every user of a host can read a process's arguments). The job's {@link JobKey} is derived from it and the job id.
 * Nothing here puts the secret in a message: a bad one is described by its length only.
 */
public final class JobSecret {

    /** The environment variable the standalone server reads the secret from. */
    public static final String ENVIRONMENT_VARIABLE = "ORRERY_PS_SECRET";
    /** Longest secret file read: a secret is a line of text, not a data file. */
    static final long MAX_FILE_BYTES = 64 * 1024;

    private JobSecret() {
    }

    /**
     * The secret in a file: its text, surrounding white space removed (so {@code echo secret > file} works).
     *
     * @throws IOException when it cannot be read, is longer than 64 KiB, or holds only white space
     */
    public static String read(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("secret file " + file + ": not found or not readable; write the job's secret in it"
                    + " (chmod 600) or set " + ENVIRONMENT_VARIABLE);
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("secret file " + file + ": expected a line of text, found " + size
                    + " bytes; write the secret alone in the file");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new IOException("secret file " + file + ": empty; write the job's secret in it");
        }
        return text;
    }

    /** The secret in {@link #ENVIRONMENT_VARIABLE}, if set and not blank. */
    public static Optional<String> fromEnvironment(Map<String, String> environment) {
        String text = environment.get(ENVIRONMENT_VARIABLE);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.strip());
    }

    /** A warning when others than the owner may read the file (POSIX file systems only), else null. */
    public static String permissionWarning(Path file) throws IOException {
        if (!Files.getFileStore(file.toAbsolutePath()).supportsFileAttributeView("posix")) {
            return null;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            return "secret file " + file + " is readable by others than its owner ("
                    + PosixFilePermissions.toString(permissions) + "); restrict it with chmod 600";
        }
        return null;
    }
}
