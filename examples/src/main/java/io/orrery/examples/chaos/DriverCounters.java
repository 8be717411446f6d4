package io.orrery.examples.chaos;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the system counters (NAKs, retransmits, loss) of a running process's embedded media driver from its CnC
 * file, so that a packet-loss run can show that the loss generator really dropped frames and Aeron repaired them.
 */
final class DriverCounters {

    private static final List<String> NAMES = List.of("NAKs sent", "NAKs received", "Retransmits sent",
            "Loss gap fills");

    private DriverCounters() {
    }

    /** {@code NAKs sent=.. NAKs received=.. ...} of the driver of process {@code pid}, or why it could not be read. */
    static String of(long pid) {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(base)) {
            Path dir = dirs.filter(d -> d.getFileName().toString().startsWith("orrery-ps-")
                    && d.getFileName().toString().contains("-" + pid + "-")).findFirst().orElse(null);
            if (dir == null) {
                return "driver counters: no driver directory of pid " + pid + " under " + base;
            }
            MappedByteBuffer cnc = IoUtil.mapExistingFile(dir.resolve(CncFileDescriptor.CNC_FILE).toFile(), "cnc");
            try {
                UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
                CountersReader counters = new CountersReader(CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta),
                        CncFileDescriptor.createCountersValuesBuffer(cnc, meta));
                StringBuilder out = new StringBuilder("driver counters:");
                counters.forEach((id, typeId, key, label) -> {
                    for (String name : NAMES) {
                        if (label.startsWith(name)) {
                            out.append(' ').append(name.replace(' ', '_')).append('=').append(counters.getCounterValue(id));
                        }
                    }
                });
                return out.toString();
            } finally {
                IoUtil.unmap(cnc);
            }
        } catch (IOException | RuntimeException e) {
            return "driver counters unreadable: " + e;
        }
    }
}
