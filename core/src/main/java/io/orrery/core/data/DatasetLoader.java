package io.orrery.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads an IDX image-classification dataset from a cache folder: finds each file (raw, or gzipped with {@code .gz}),
 * downloads the missing ones if allowed, reads and checks them, and verifies their SHA-256.
 *
 * <p>A file that is present but wrong is never replaced silently: its error says which file, what was expected, what
 * was found, and to fetch it again with {@value #FETCH_SCRIPT}.
 */
public final class DatasetLoader {

    /** The script that fetches the datasets where the public mirrors are unreachable. */
    public static final String FETCH_SCRIPT = "deploy/fetch-data.sh";

    private DatasetLoader() {
    }

    /**
     * Loads {@code dataset} from {@code directory}, the folder that holds its four files.
     *
     * @param dataset   what to load
     * @param directory folder holding the files, e.g. {@code ~/.orrery/datasets/mnist}
     * @param download  whether to try the dataset's mirrors for missing files
     * @return the training and test splits, verified
     * @throws DatasetException if files are missing (and could not be downloaded), malformed, or not the published
     *                          ones; the message says what to do
     */
    public static TrainTestSplit load(DatasetDescriptor dataset, Path directory, boolean download) {
        return load(dataset, directory, download, new MirrorDownloader());
    }

    static TrainTestSplit load(DatasetDescriptor dataset, Path directory, boolean download,
                               MirrorDownloader downloader) {
        Path dir = directory.toAbsolutePath().normalize();
        List<DatasetFile> missing = missing(dataset, dir);
        List<String> failures = List.of();
        if (!missing.isEmpty() && download) {
            failures = downloader.fetch(dataset, dir, missing);
            missing = missing(dataset, dir);
        }
        if (!missing.isEmpty()) {
            throw new DatasetException(missingMessage(dataset, dir, missing, download, failures));
        }
        IdxFile trainImages = readVerified(dataset, dir, dataset.trainImages());
        IdxFile trainLabels = readVerified(dataset, dir, dataset.trainLabels());
        IdxFile testImages = readVerified(dataset, dir, dataset.testImages());
        IdxFile testLabels = readVerified(dataset, dir, dataset.testLabels());
        try {
            return new TrainTestSplit(new LabeledImages(trainImages, trainLabels),
                    new LabeledImages(testImages, testLabels));
        } catch (IllegalArgumentException e) {
            // Unreachable with the pinned hashes; guards descriptors whose files do not fit together.
            throw new DatasetException(dataset.displayName() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The file to read for {@code file}: the raw name if present, else {@code <name>.gz}, else null. */
    static Path locate(Path directory, DatasetFile file) {
        Path raw = directory.resolve(file.name());
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = directory.resolve(file.name() + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static List<DatasetFile> missing(DatasetDescriptor dataset, Path dir) {
        List<DatasetFile> missing = new ArrayList<>();
        for (DatasetFile file : dataset.files()) {
            if (locate(dir, file) == null) {
                missing.add(file);
            }
        }
        return missing;
    }

    private static IdxFile readVerified(DatasetDescriptor dataset, Path dir, DatasetFile file) {
        Path path = locate(dir, file);
        IdxFile content;
        try {
            content = IdxReader.read(path);
        } catch (IdxFormatException e) {
            throw new IdxFormatException(dataset.displayName() + ": " + e.getMessage() + " " + fetchAdvice(dir),
                    e);
        } catch (IOException e) {
            throw new DatasetException(dataset.displayName() + ": cannot read " + path + ": " + e + ". "
                    + fetchAdvice(dir), e);
        }
        String found = content.sha256();
        if (!found.equals(file.sha256())) {
            throw new DatasetException(dataset.displayName() + ": " + path + " is not the published "
                    + file.name() + ": SHA-256 of its uncompressed content is " + found + ", expected "
                    + file.sha256() + ". The file is corrupt or a different version; delete it. "
                    + fetchAdvice(dir));
        }
        return content;
    }

    private static String missingMessage(DatasetDescriptor dataset, Path dir, List<DatasetFile> missing,
                                         boolean download, List<String> failures) {
        StringBuilder m = new StringBuilder();
        m.append(dataset.displayName()).append(" is not in ").append(dir).append(": it needs the four IDX files ")
                .append(dataset.files().stream().map(DatasetFile::name).collect(Collectors.joining(", ")))
                .append(" (raw, or gzipped with .gz added to the name); missing: ")
                .append(missing.stream().map(DatasetFile::name).collect(Collectors.joining(", "))).append(". ");
        if (!download) {
            m.append("Downloading is disabled (-D").append(DataDirectory.DOWNLOAD_PROPERTY).append("=false). ");
        } else if (!failures.isEmpty()) {
            m.append("Downloading from the public mirrors failed: ").append(String.join("; ", failures))
                    .append(". ");
        }
        m.append(fetchAdvice(dir));
        return m.toString();
    }

    /** What to do: run the script into the right root, or copy the files into a folder the script does not use. */
    private static String fetchAdvice(Path dir) {
        Path parent = dir.getParent();
        String folder = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean scriptLayout = parent != null && (folder.equals(Mnist.DESCRIPTOR.directoryName())
                || folder.equals(FashionMnist.DESCRIPTOR.directoryName()));
        if (scriptLayout) {
            return "Run " + FETCH_SCRIPT + " " + parent + " to fetch and verify the files (the cache root is "
                    + "-D" + DataDirectory.ROOT_PROPERTY + ", else $" + DataDirectory.ROOT_ENV
                    + ", else ~/.orrery/datasets), or put the published files in " + dir + ".";
        }
        return "Run " + FETCH_SCRIPT + " to fetch and verify the files into ~/.orrery/datasets "
                + "(or $" + DataDirectory.ROOT_ENV + ") and copy them to " + dir + ", or load from that cache.";
    }
}
