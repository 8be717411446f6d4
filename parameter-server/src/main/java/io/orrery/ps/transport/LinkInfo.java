package io.orrery.ps.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;

/**
 * The network interface that traffic to (or from) an address goes through: its name, MTU, whether it is loopback,
 * and its link rate when the kernel reports one.
 *
 * <p>How the interface is found: for an address of this host (a server's bind address) it is the interface that
 * holds the address; for a remote one, a UDP socket is connected to it (which sends nothing) and the kernel's
 * choice of source address names the interface. That asks the kernel's own routing decision (policy rules, the
 * local table, IPv6) through {@link NetworkInterface}, on any OS, without starting a process: {@code ip route get}
 * would need iproute2 and a subprocess per lookup, and {@code /proc/net/route} holds only IPv4's main table, so
 * it misses policy routing. It also answers right for a server bound to its own non-loopback address, where
 * {@code ip route get} says {@code dev lo} (the kernel's route to itself), while the workers reach it over the real
 * interface. A per-route MTU ({@code ip route add ... mtu N}) is not seen: set {@code orrery.udp.mtu} for such a
 * network.
 *
 * @param name             interface name, e.g. {@code eth0}, {@code lo}; {@code "*"} for the wildcard address
 * @param mtu              the interface's MTU in bytes (for the wildcard: the smallest over interfaces that are up)
 * @param loopback         true for the loopback interface (frames never leave the host)
 * @param rateBitsPerSecond link rate from {@code /sys/class/net/NAME/speed}, or 0 when not reported (loopback,
 *                          bridges, most virtual NICs)
 */
public record LinkInfo(String name, int mtu, boolean loopback, long rateBitsPerSecond) {

    /** What an interface reports when its MTU cannot be read: the Ethernet MTU. */
    static final int ETHERNET_MTU = 1500;

    /** The interface that carries traffic between this host and {@code host} (a local or a remote address). */
    public static LinkInfo towards(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                return wildcard();
            }
            NetworkInterface nic = NetworkInterface.getByInetAddress(address);
            if (nic == null) {
                nic = NetworkInterface.getByInetAddress(sourceAddressTo(address));
            }
            if (nic == null) {
                throw new TransportException("no interface carries traffic to " + host
                        + ": expected the kernel to pick a local address; hint=\"check the route to " + host
                        + " (ip route get " + address.getHostAddress() + ") or set orrery.udp.mtu\"");
            }
            return of(nic);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the interface that routes to " + host, e);
        }
    }

    /** The kernel's source address for datagrams to {@code remote}; connecting a UDP socket sends nothing. */
    private static InetAddress sourceAddressTo(InetAddress remote) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(remote, 9));
            InetAddress local = socket.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new TransportException("no route to " + remote.getHostAddress()
                        + ": the kernel picked no source address; hint=\"check the host's routes\"");
            }
            return local;
        }
    }

    /** A server bound to every address may be reached through any interface: take the smallest MTU among them. */
    private static LinkInfo wildcard() throws SocketException {
        int mtu = Integer.MAX_VALUE;
        Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
        while (all != null && all.hasMoreElements()) {
            NetworkInterface nic = all.nextElement();
            if (nic.isUp() && nic.getMTU() > 0) {
                mtu = Math.min(mtu, nic.getMTU());
            }
        }
        return new LinkInfo("*", mtu == Integer.MAX_VALUE ? ETHERNET_MTU : mtu, false, 0);
    }

    private static LinkInfo of(NetworkInterface nic) throws SocketException {
        int mtu = nic.getMTU();
        return new LinkInfo(nic.getName(), mtu > 0 ? mtu : ETHERNET_MTU, nic.isLoopback(), reportedRate(nic.getName()));
    }

    /** {@code /sys/class/net/NAME/speed} in bits/s; 0 where absent or unreadable (it fails with EINVAL on lo). */
    static long reportedRate(String interfaceName) {
        Path speed = Paths.get("/sys/class/net", interfaceName, "speed");
        try {
            long mbps = Long.parseLong(firstLine(speed));
            return mbps > 0 ? mbps * 1_000_000L : 0;
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 0;
        }
    }

    /**
     * The first line of a /proc or /sys file, trimmed. Read as a stream on purpose: some kernels report a size for
     * these files that is shorter than their content, and {@code Files.readString} then returns "4" for 4194304
     * (seen on this project's machines).
     */
    static String firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line = reader.readLine();
            if (line == null) {
                throw new IOException("empty: " + file);
            }
            return line.trim();
        }
    }

    /**
     * A kernel limit such as {@code /proc/sys/net/core/rmem_max} in bytes, or {@link Integer#MAX_VALUE} when it
     * cannot be read (not Linux): then only the kernel knows, and Aeron reports a shortfall itself.
     */
    static int kernelLimit(String sysctlPath) {
        try {
            long value = Long.parseLong(firstLine(Paths.get(sysctlPath)));
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, value));
        } catch (IOException | NumberFormatException | SecurityException e) {
            return Integer.MAX_VALUE;
        }
    }
}
