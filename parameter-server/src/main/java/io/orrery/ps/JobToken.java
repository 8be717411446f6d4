package io.orrery.ps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where a job's token comes from outside a program: a file or an environment variable, never the command line
 * (every user of a host can read a process's arguments). The token is a secret, so nothing here puts its value in a
 * message: an unreadable file is described by its length, not its contents.
 */
public final class JobToken {

    /** The environment variable the standalone server reads the token from. */
    public static final String ENVIRONMENT_VARIABLE = "ORRERY_PS_TOKEN";

    private JobToken() {
    }

    /** Reads a token file: one decimal 64-bit integer, surrounding white space ignored. */
    public static long read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // The message must not quote the file: a token with a typo is still mostly the secret.
            throw new IOException("token file " + file + ": expected one decimal 64-bit integer, found " + text.length()
                    + " characters that are not one; write the token alone in the file");
        }
    }

    /**
     * Reads the token file, or when it does not exist creates it with a random token, readable and writable by its
     * owner only (on file systems with POSIX permissions).
     *
     * @return the token, and whether the file was created
     */
    public static Loaded readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return new Loaded(read(file), false);
        }
        long token = new SecureRandom().nextLong();
        Path parent = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(parent).supportsFileAttributeView("posix");
        try {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return new Loaded(read(file), false);
        }
        Files.writeString(file, Long.toString(token) + System.lineSeparator(), StandardCharsets.UTF_8);
        return new Loaded(token, true);
    }

    /** A token and whether its file was just created. */
    public record Loaded(long token, boolean created) {
        @Override
        public String toString() {
            return "Loaded[token=<hidden> created=" + created + "]";
        }
    }

    /**
     * The token in {@link #ENVIRONMENT_VARIABLE}, if set.
     *
     * @throws IllegalArgumentException when it is set but is not a decimal 64-bit integer (its value not quoted)
     */
    public static OptionalLong fromEnvironment(Map<String, String> environment) {
        String text = environment.get(ENVIRONMENT_VARIABLE);
        if (text == null || text.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + ": expected one decimal 64-bit integer, found "
                    + text.strip().length() + " characters that are not one");
        }
    }

    /**
     * A warning when others than the owner may read the file (POSIX file systems only), else null.
     */
    public static String permissionWarning(Path file) throws IOException {
        if (!Files.getFileStore(file.toAbsolutePath()).supportsFileAttributeView("posix")) {
            return null;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            return "token file " + file + " is readable by others than its owner ("
                    + PosixFilePermissions.toString(permissions) + "); restrict it with chmod 600";
        }
        return null;
    }
}
