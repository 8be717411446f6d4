package io.orrery.core.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches missing dataset files from public mirrors: {@code <mirror><name>.gz} (or raw), with short timeouts,
 * verified by the SHA-256 of the decompressed content, written raw and atomically (temporary file, fsync, rename),
 * so that the cache never holds a partial or unverified file.
 */
final class MirrorDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorDownloader.class);

    /** Time to open a connection; a mirror that cannot be reached in this time is skipped for the other files. */
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Time for one whole file (MNIST's largest is ~10 MB gzipped). */
    static final Duration DEFAULT_FILE_TIMEOUT = Duration.ofSeconds(120);

    private final Duration connectTimeout;
    private final Duration fileTimeout;

    MirrorDownloader(Duration connectTimeout, Duration fileTimeout) {
        this.connectTimeout = connectTimeout;
        this.fileTimeout = fileTimeout;
    }

    MirrorDownloader() {
        this(DEFAULT_CONNECT_TIMEOUT, DEFAULT_FILE_TIMEOUT);
    }

    /**
     * Tries to fetch each of {@code files} into {@code directory}.
     *
     * @return one line per failed attempt ({@code url: reason}); empty when every file was fetched
     */
    List<String> fetch(DatasetDescriptor dataset, Path directory, List<DatasetFile> files) {
        List<String> failures = new ArrayList<>();
        if (dataset.mirrors().isEmpty()) {
            failures.add("no mirrors are known for " + dataset.displayName());
            return failures;
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault()) // honours -Dhttps.proxyHost and friends
                .build();
        Set<URI> unreachable = new HashSet<>();
        for (DatasetFile file : files) {
            boolean fetched = false;
            for (URI mirror : dataset.mirrors()) {
                if (fetched || unreachable.contains(mirror)) {
                    continue;
                }
                URI url = mirror.resolve(file.name() + ".gz");
                try {
                    LOG.info("Downloading {} {} from {}", dataset.displayName(), file.name(), url);
                    IdxFile content = download(client, url, file);
                    writeAtomically(content, directory.resolve(file.name()));
                    LOG.info("Saved {} (SHA-256 verified) to {}", file.name(), directory);
                    fetched = true;
                } catch (UnreachableException e) {
                    unreachable.add(mirror);
                    failures.add(url + ": " + e.getMessage());
                    LOG.warn("{}: {}; skipping this mirror", url, e.getMessage());
                } catch (IOException | DatasetException e) {
                    failures.add(url + ": " + e.getMessage());
                    LOG.warn("{}: {}", url, e.getMessage());
                }
            }
            if (!fetched) {
                LOG.warn("Could not download {} {} from any mirror", dataset.displayName(), file.name());
            }
        }
        return failures;
    }

    private IdxFile download(HttpClient client, URI url, DatasetFile file) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(fileTimeout).GET().build();
        CompletableFuture<HttpResponse<byte[]>> pending =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            // The request timeout covers only the wait for headers; this bounds the body too.
            response = pending.get(fileTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException("no complete response within " + fileTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isUnreachable(cause)) {
                throw new UnreachableException("mirror unreachable (" + describe(cause) + ")");
            }
            throw new IOException(describe(cause), cause);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        IdxFile content = IdxReader.read(new ByteArrayInputStream(response.body()), url.toString(), file.rawBytes());
        String found = content.sha256();
        if (!found.equals(file.sha256())) {
            throw new IOException("SHA-256 of the decompressed content is " + found + ", expected " + file.sha256()
                    + "; not the published file, discarded");
        }
        return content;
    }

    /** Writes the raw IDX file to a temporary file beside {@code target}, forces it to disk, then renames it. */
    static void writeAtomically(IdxFile content, Path target) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".part");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean isUnreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException
                    || c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
            return "host name not resolved";
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** A mirror that cannot be connected to at all; the remaining files skip it. */
    private static final class UnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message) {
            super(message);
        }
    }
}
