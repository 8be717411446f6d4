package io.orrery.ps.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The UDP settings of the channels towards one peer, chosen from the interface that carries the traffic: the Aeron
 * frame length ({@code mtu}), the receiver window ({@code rcv-wnd}) and the socket buffers ({@code so-rcvbuf},
 * {@code so-sndbuf}).
 *
 * <p>Why these values. A frame must fit the interface without IP fragmentation, and larger frames mean fewer
 * datagrams and fewer fragments for each chunk: loopback (MTU 64 KiB) takes Aeron's largest frame, a jumbo-frame
 * network about 8.9 KiB, Ethernet's 1500 the 1408 of Aeron's default. Flow control lets a sender have one receiver
 * window in flight, so the window must cover the bandwidth-delay product or the link idles; the delay here is not
 * the wire's (tens of microseconds on a LAN) but the feedback loop's, where each media driver may nap up to 1 ms
 * when idle ({@link AeronEndpoint#driverContext}), hence 1 ms by default. The receiving socket holds what arrived
 * and was not yet read: at least two windows (the kernel also charges its own bookkeeping per datagram). The kernel
 * caps socket buffers at {@code net.core.rmem_max} / {@code net.core.wmem_max}; when that cuts below what the link
 * needs, the window shrinks to fit and one warning says which setting to raise.
 *
 * <p>Overrides (system properties, read once per JVM): {@code orrery.udp.mtu} (bytes, a multiple of 32),
 * {@code orrery.udp.rate} (the link rate, e.g. {@code 1gbit}, {@code 400mbit}) and {@code orrery.udp.rtt} (e.g.
 * {@code 2ms}, {@code 500us}). A server's or client's explicit {@code mtu(...)} setting wins over all of these.
 *
 * @param link               the interface the choice was made for
 * @param mtu                Aeron frame length before the term-length limit ({@link #mtuFor(int)} applies it)
 * @param receiverWindow     {@code rcv-wnd} in bytes
 * @param socketRcvbuf       {@code so-rcvbuf} in bytes, at most {@code net.core.rmem_max}
 * @param socketSndbuf       {@code so-sndbuf} in bytes, at most {@code net.core.wmem_max}
 * @param rateBitsPerSecond  the link rate the window was sized for
 * @param rttNs              the round trip the window was sized for
 * @param warning            why the kernel's caps keep the window below the bandwidth-delay product, or null
 */
public record UdpSettings(LinkInfo link, int mtu, int receiverWindow, int socketRcvbuf, int socketSndbuf,
                          long rateBitsPerSecond, long rttNs, String warning) {

    /** Aeron's largest frame: a UDP payload of 65535 less IP and UDP headers, aligned down to 32 bytes. */
    public static final int MAX_UDP_MTU = 65504;
    /** Smallest frame accepted as an override: Aeron needs room for its header and the chunk's own header. */
    public static final int MIN_MTU = 256;
    /**
     * Bytes kept below a non-loopback interface's MTU: an IPv6 header (40), UDP (8) and 44 spare for IP options
     * and encapsulations on the path. 1500 gives 1408, Aeron's own default for Ethernet.
     */
    static final int NETWORK_HEADROOM = 92;
    /** Loopback never leaves the host: only IPv4 and UDP headers (28). */
    static final int LOOPBACK_HEADROOM = 28;
    /** Aeron's default initial window; never less. */
    static final int MIN_WINDOW = 128 << 10;
    /** Never fewer socket buffer bytes than before this class existed (AeronEndpoint's comment says why). */
    static final int MIN_SOCKET_BUFFER = AeronEndpoint.SOCKET_BUFFER_LENGTH;
    /** Assumed link rate when the interface reports none (loopback, bridges, virtual NICs). */
    static final long DEFAULT_RATE_BITS_PER_SECOND = 10_000_000_000L;
    /** Assumed flow-control round trip: the drivers' idle naps of up to 1 ms dominate a LAN's wire delay. */
    static final long DEFAULT_RTT_NS = TimeUnit.MILLISECONDS.toNanos(1);

    static final String RMEM_MAX = "/proc/sys/net/core/rmem_max";
    static final String WMEM_MAX = "/proc/sys/net/core/wmem_max";

    private static final Logger LOG = LoggerFactory.getLogger(UdpSettings.class);
    private static final Map<String, UdpSettings> BY_HOST = new ConcurrentHashMap<>();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /**
     * The decision alone, from given facts (no probing, no logging), so that it can be tested for any interface.
     *
     * @param link        the interface (its MTU, loopback or not, reported rate)
     * @param mtuOverride frame length to use instead of the interface's choice, or 0
     * @param rateOverride link rate in bits/s to use instead of the reported one, or 0
     * @param rttNs       flow-control round trip, or 0 for {@link #DEFAULT_RTT_NS}
     * @param rmemMax     the kernel's cap on receive buffers ({@code net.core.rmem_max})
     * @param wmemMax     the kernel's cap on send buffers ({@code net.core.wmem_max})
     */
    public static UdpSettings choose(LinkInfo link, int mtuOverride, long rateOverride, long rttNs,
                                     int rmemMax, int wmemMax) {
        int mtu = mtuOverride > 0 ? checkedMtu(mtuOverride) : mtuOf(link);
        long rate = rateOverride > 0 ? rateOverride
                : link.rateBitsPerSecond() > 0 ? link.rateBitsPerSecond() : DEFAULT_RATE_BITS_PER_SECOND;
        long rtt = rttNs > 0 ? rttNs : DEFAULT_RTT_NS;
        long bdp = (long) ((double) rate / 8 * rtt / 1e9);
        int window = (int) Math.min(1 << 30, Math.max(MIN_WINDOW, Math.max(ceilPow2(bdp), ceilPow2(2L * mtu))));
        int wantRcvbuf = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_SOCKET_BUFFER, 2L * window));
        int wantSndbuf = Math.max(MIN_SOCKET_BUFFER, window);
        int rcvbuf = Math.min(wantRcvbuf, rmemMax);
        int sndbuf = Math.min(wantSndbuf, wmemMax);
        String warning = null;
        if (rcvbuf < wantRcvbuf || sndbuf < wantSndbuf) {
            int wanted = window;
            if (rcvbuf < 2 * window) {
                window = Math.max(floorPow2(rcvbuf / 2), 32);
            }
            // Aeron refuses a frame larger than the send buffer, and a window must hold two frames: with a 64 KiB
            // window (a distribution's default 208 KiB cap) and 65,504-byte frames, a broadcast stalled for ever
            // after its first small message, because the next full frame never fitted the space left in the window.
            mtu = Math.max(32, Math.min(mtu, Math.min(window / 2, sndbuf) & ~31));
            warning = String.format(Locale.ROOT, "the kernel caps UDP socket buffers below what the link needs:"
                            + " interface=%s rate=%s rtt=%dus wanted so-rcvbuf=%d so-sndbuf=%d rcv-wnd=%d,"
                            + " found net.core.rmem_max=%d net.core.wmem_max=%d, using rcv-wnd=%d;"
                            + " the exchange may not reach the link's rate. Raise the caps:"
                            + " sysctl -w net.core.rmem_max=%d net.core.wmem_max=%d",
                    link.name(), formatRate(rate), rtt / 1000, wantRcvbuf, wantSndbuf, wanted, rmemMax, wmemMax,
                    window, wantRcvbuf, wantSndbuf);
        }
        return new UdpSettings(link, mtu, window, rcvbuf, sndbuf, rate, rtt, warning);
    }

    /** The frame length for an interface: its MTU less headers, aligned down to 32 bytes, at most 64 KiB. */
    static int mtuOf(LinkInfo link) {
        int headroom = link.loopback() ? LOOPBACK_HEADROOM : NETWORK_HEADROOM;
        int mtu = Math.min(MAX_UDP_MTU, link.mtu() - headroom) & ~31;
        return Math.max(MIN_MTU, mtu);
    }

    private static int checkedMtu(int mtu) {
        if (mtu < MIN_MTU || mtu > MAX_UDP_MTU || mtu % 32 != 0) {
            throw new IllegalArgumentException("orrery.udp.mtu: expected a multiple of 32 in " + MIN_MTU + ".."
                    + MAX_UDP_MTU + ", found " + mtu + "; hint=\"the interface's MTU less 92 bytes, aligned to 32\"");
        }
        return mtu;
    }

    /**
     * The frame length for publications of {@code termLength}: Aeron refuses a frame above the term's largest
     * message (a term length / 8).
     */
    public int mtuFor(int termLength) {
        return Math.max(32, Math.min(mtu, (termLength / 8) & ~31));
    }

    /** Channel parameters for a subscription (the receiving end): {@code |rcv-wnd=..|so-rcvbuf=..}. */
    public String receiverParams() {
        return "|rcv-wnd=" + receiverWindow + "|so-rcvbuf=" + socketRcvbuf;
    }

    /**
     * Channel parameters for a server's ingress subscription, whose one socket receives {@code senders} streams (a
     * gradient stream per worker and hosted shard): {@code |rcv-wnd=..|so-rcvbuf=..}.
     *
     * <p>Why a window per sender. Each stream may have a receiver window in flight, so the socket must hold the sum
     * of the windows, or datagrams overflow it while the server's driver is busy or descheduled, and each loss costs
     * a NAK and a retransmission. Measured on loopback with 4 workers of the 407,050-parameter MLP and 2 MiB windows
     * into a 4 MiB socket (PsBenchmark udp, a load average of 50-70): the server's driver sent 541-7,011 NAKs per
     * 60 steps and the workers retransmitted 3-18 MB; with 1 or 2 workers none. The windows are therefore cut so
     * that together they fill at most the socket's buffer ({@link #ingressWindow}); the kernel doubles the buffer it
     * is given for its per-datagram bookkeeping, which covers the rest.
     */
    public String ingressReceiverParams(int senders) {
        return "|rcv-wnd=" + ingressWindow(senders) + "|so-rcvbuf=" + socketRcvbuf;
    }

    /**
     * The receiver window of each of {@code senders} streams sharing one socket: the socket buffer divided among
     * them, rounded down to a power of two, at most {@link #receiverWindow} and at least {@link #MIN_WINDOW} (a
     * window must hold two of the largest frames; below that the kernel's caps are the limit, see {@link #warning}).
     */
    public int ingressWindow(int senders) {
        int share = floorPow2(Math.max(1, socketRcvbuf / Math.max(1, senders)));
        return Math.min(receiverWindow, Math.max(MIN_WINDOW, share));
    }

    /**
     * Why {@code senders} streams may overflow the ingress socket even at the smallest window, or null when their
     * windows fit: what to raise, by name.
     */
    public String ingressWarning(int senders) {
        long needed = (long) MIN_WINDOW * senders;
        if (needed <= socketRcvbuf) {
            return null;
        }
        return String.format(Locale.ROOT, "%d gradient streams (workers x hosted shards) share the server's ingress"
                        + " socket: their windows of at least %d bytes need so-rcvbuf=%d, found so-rcvbuf=%d"
                        + " (net.core.rmem_max caps it); datagrams may be lost and retransmitted. Raise the cap:"
                        + " sysctl -w net.core.rmem_max=%d, or split the shards over more server processes",
                senders, MIN_WINDOW, needed, socketRcvbuf, needed);
    }

    /** Channel parameters for a publication (the sending end): {@code |so-sndbuf=..}. */
    public String senderParams() {
        return "|so-sndbuf=" + socketSndbuf;
    }

    /**
     * The settings towards {@code host} (a server's bind address or the server a worker sends to), probed once per
     * JVM and host, logged once at INFO; a cap by the kernel is warned about once per JVM.
     */
    public static UdpSettings forHost(String host) {
        return BY_HOST.computeIfAbsent(host, h -> {
            UdpSettings s = choose(LinkInfo.towards(h), Integer.getInteger("orrery.udp.mtu", 0),
                    parseRate(System.getProperty("orrery.udp.rate")), parseDuration(System.getProperty("orrery.udp.rtt")),
                    LinkInfo.kernelLimit(RMEM_MAX), LinkInfo.kernelLimit(WMEM_MAX));
            LOG.info("udp settings towards {}: interface={} interfaceMtu={} mtu={} rcv-wnd={} so-rcvbuf={} so-sndbuf={}"
                            + " rate={}{} rttUs={} (override with -Dorrery.udp.mtu, -Dorrery.udp.rate, -Dorrery.udp.rtt)",
                    h, s.link.name(), s.link.mtu(), s.mtu, s.receiverWindow, s.socketRcvbuf, s.socketSndbuf,
                    formatRate(s.rateBitsPerSecond), s.link.rateBitsPerSecond() > 0 ? "" : " (assumed)", s.rttNs / 1000);
            if (s.warning != null && WARNED.compareAndSet(false, true)) {
                LOG.warn(s.warning);
            }
            return s;
        });
    }

    /** A driver-wide socket buffer length no larger than the kernel allows (Aeron would warn on its own). */
    static int cappedReceiveBuffer(int wanted) {
        return Math.min(wanted, LinkInfo.kernelLimit(RMEM_MAX));
    }

    /** As {@link #cappedReceiveBuffer} for send buffers. */
    static int cappedSendBuffer(int wanted) {
        return Math.min(wanted, LinkInfo.kernelLimit(WMEM_MAX));
    }

    /** {@code 10gbit}, {@code 400mbit}, {@code 1.5gbit}, {@code 100kbit} or plain bits/s; null or empty gives 0. */
    static long parseRate(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        String[][] units = {{"gbit", "1e9"}, {"mbit", "1e6"}, {"kbit", "1e3"}, {"bit", "1"}};
        try {
            for (String[] unit : units) {
                if (v.endsWith(unit[0])) {
                    return positive("orrery.udp.rate", value,
                            (long) (Double.parseDouble(v.substring(0, v.length() - unit[0].length())) * Double.parseDouble(unit[1])));
                }
            }
            return positive("orrery.udp.rate", value, Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("orrery.udp.rate: expected a rate such as 1gbit, 400mbit or bits/s,"
                    + " found \"" + value + "\"");
        }
    }

    /** {@code 2ms}, {@code 500us}, {@code 1s} or plain nanoseconds; null or empty gives 0. */
    static long parseDuration(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        String[][] units = {{"ms", "1e6"}, {"us", "1e3"}, {"ns", "1"}, {"s", "1e9"}};
        try {
            for (String[] unit : units) {
                if (v.endsWith(unit[0])) {
                    return positive("orrery.udp.rtt", value,
                            (long) (Double.parseDouble(v.substring(0, v.length() - unit[0].length())) * Double.parseDouble(unit[1])));
                }
            }
            return positive("orrery.udp.rtt", value, Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("orrery.udp.rtt: expected a duration such as 1ms or 500us,"
                    + " found \"" + value + "\"");
        }
    }

    private static long positive(String name, String raw, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": expected a positive value, found \"" + raw + "\"");
        }
        return value;
    }

    private static String formatRate(long bitsPerSecond) {
        return bitsPerSecond % 1_000_000_000L == 0 ? bitsPerSecond / 1_000_000_000L + "gbit"
                : bitsPerSecond % 1_000_000L == 0 ? bitsPerSecond / 1_000_000L + "mbit" : bitsPerSecond + "bit";
    }

    private static long ceilPow2(long value) {
        return value <= 1 ? 1 : Long.highestOneBit(value - 1) << 1;
    }

    private static int floorPow2(int value) {
        return value <= 1 ? 1 : Integer.highestOneBit(value);
    }
}
