package io.orrery.examples.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The UDP ports a process has bound, as anyone on the same Linux host can find them: its socket inodes from
 * {@code /proc/PID/fd}, matched against {@code /proc/net/udp} and {@code udp6}. The worker-side fuzz uses it to find
 * where the workers' media drivers listen, as an attacker scanning the host would, without help from the workers.
 */
final class UdpPorts {

    private UdpPorts() {
    }

    /** The local UDP ports of {@code pid}'s sockets, ascending; empty when the process is gone or not readable. */
    static Set<Integer> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        if (!Files.isDirectory(fds)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while listing: not a port any more
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                if (f.length > 9 && inodes.contains(f[9])) {
                    String local = f[1];
                    ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
