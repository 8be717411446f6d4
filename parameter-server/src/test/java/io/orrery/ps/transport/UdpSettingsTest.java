package io.orrery.ps.transport;

import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpSettingsTest {

    private static final int CAP_4MIB = 4 << 20;
    private static final long GBIT = 1_000_000_000L;

    private static UdpSettings choose(LinkInfo link) {
        return UdpSettings.choose(link, 0, 0, 0, CAP_4MIB, CAP_4MIB);
    }

    @Test
    void ethernetGetsAeronsDefaultFrameJumboAndLoopbackGetLargeFrames() {
        assertEquals(1408, choose(new LinkInfo("eth0", 1500, false, GBIT)).mtu());
        assertEquals(8896, choose(new LinkInfo("eth0", 9000, false, 10 * GBIT)).mtu());
        assertEquals(65504, choose(new LinkInfo("lo", 65536, true, 0)).mtu());
        // A cloud NIC of 1400 (this machine's eth0): 1408 would fragment every frame.
        assertEquals(1280, choose(new LinkInfo("eth0", 1400, false, 0)).mtu());
    }

    @Test
    void streamsSharingTheServersIngressSocketSplitItsBufferBetweenTheirWindows() {
        // 10 Gbit/s: a 2 MiB window and a 4 MiB socket. One or two streams keep the whole window (the kernel
        // doubles the buffer it is given for its bookkeeping); more streams share the 4 MiB.
        UdpSettings tenGigabit = choose(new LinkInfo("eth0", 1500, false, 10 * GBIT));
        assertEquals(2 << 20, tenGigabit.ingressWindow(1));
        assertEquals(2 << 20, tenGigabit.ingressWindow(2));
        assertEquals(1 << 20, tenGigabit.ingressWindow(4));
        assertEquals(512 << 10, tenGigabit.ingressWindow(6)); // rounded down to a power of two
        assertEquals(128 << 10, tenGigabit.ingressWindow(32));
        assertTrue(tenGigabit.ingressReceiverParams(4).contains("|rcv-wnd=1048576|so-rcvbuf=4194304"),
                tenGigabit.ingressReceiverParams(4));
        assertNull(tenGigabit.ingressWarning(32));
        // Never below two of the largest frames: past that the kernel's cap is the limit, and the warning says so.
        assertEquals(128 << 10, tenGigabit.ingressWindow(64));
        String warning = tenGigabit.ingressWarning(64);
        assertNotNull(warning);
        assertTrue(warning.contains("64 gradient streams") && warning.contains("sysctl -w net.core.rmem_max=8388608"),
                warning);
    }

    @Test
    void theFrameStaysWithinTheTermsLargestMessage() {
        UdpSettings loopback = choose(new LinkInfo("lo", 65536, true, 0));
        assertEquals(8192, loopback.mtuFor(64 << 10));
        assertEquals(65504, loopback.mtuFor(4 << 20));
    }

    @Test
    void windowAndBuffersCoverTheBandwidthDelayProduct() {
        // 1 Gbit/s for 1 ms is 125,000 bytes: Aeron's default window of 128 KiB already covers it.
        UdpSettings gigabit = choose(new LinkInfo("eth0", 1500, false, GBIT));
        assertEquals(128 << 10, gigabit.receiverWindow());
        assertEquals(2 << 20, gigabit.socketRcvbuf());
        assertEquals(2 << 20, gigabit.socketSndbuf());
        assertNull(gigabit.warning());
        // 10 Gbit/s for 1 ms is 1.25 MB: a 2 MiB window, two windows of receive buffer.
        UdpSettings tenGigabit = choose(new LinkInfo("eth0", 1500, false, 10 * GBIT));
        assertEquals(2 << 20, tenGigabit.receiverWindow());
        assertEquals(4 << 20, tenGigabit.socketRcvbuf());
        assertEquals(2 << 20, tenGigabit.socketSndbuf());
        assertNull(tenGigabit.warning());
        // A longer round trip needs a larger window: 1 Gbit/s over 8 ms is 1 MB.
        UdpSettings far = UdpSettings.choose(new LinkInfo("eth0", 1500, false, GBIT), 0, 0,
                TimeUnit.MILLISECONDS.toNanos(8), CAP_4MIB, CAP_4MIB);
        assertEquals(1 << 20, far.receiverWindow());
    }

    @Test
    void aRateOverrideWinsOverTheReportedOneAndAnUnknownRateIsTakenAsTenGigabit() {
        LinkInfo veth = new LinkInfo("veth0", 1500, false, 10 * GBIT);
        assertEquals(128 << 10, UdpSettings.choose(veth, 0, GBIT, 0, CAP_4MIB, CAP_4MIB).receiverWindow());
        assertEquals(2 << 20, choose(new LinkInfo("br0", 1500, false, 0)).receiverWindow());
        assertEquals(10 * GBIT, choose(new LinkInfo("br0", 1500, false, 0)).rateBitsPerSecond());
    }

    @Test
    void kernelCapsShrinkTheWindowAndNameTheSysctlsToRaise() {
        UdpSettings fast = choose(new LinkInfo("eth0", 9000, false, 40 * GBIT));
        assertEquals(CAP_4MIB, fast.socketRcvbuf());
        assertEquals(2 << 20, fast.receiverWindow(), "two windows must fit the capped receive buffer");
        assertNotNull(fast.warning());
        assertTrue(fast.warning().contains("net.core.rmem_max=" + CAP_4MIB), fast.warning());
        assertTrue(fast.warning().contains("net.core.wmem_max"), fast.warning());
        assertTrue(fast.warning().contains("sysctl -w net.core.rmem_max=" + (16 << 20)), fast.warning());

        // A distribution's default cap (208 KiB) on loopback: the window drops to 64 KiB, the frame still fits.
        UdpSettings distro = UdpSettings.choose(new LinkInfo("lo", 65536, true, 0), 0, 0, 0, 212992, 212992);
        assertEquals(212992, distro.socketRcvbuf());
        assertEquals(212992, distro.socketSndbuf());
        assertEquals(64 << 10, distro.receiverWindow());
        assertEquals(32 << 10, distro.mtu(), "a window holds two frames");
        for (int cap : new int[]{4096, 65536, 212992, 1 << 20, 3_000_000}) {
            UdpSettings s = UdpSettings.choose(new LinkInfo("lo", 65536, true, 0), 0, 0, 0, cap, cap);
            assertTrue(2 * s.mtu() <= s.receiverWindow() && 2 * s.mtu() <= s.ingressWindow(8) && s.mtu() <= s.socketSndbuf(),
                    "cap " + cap + ": mtu " + s.mtu() + " window " + s.receiverWindow() + " ingress " + s.ingressWindow(8));
        }
        assertNotNull(distro.warning());
    }

    @Test
    void anMtuOverrideIsUsedAndCheckedAndRatesAndDurationsParse() {
        assertEquals(4096, UdpSettings.choose(new LinkInfo("lo", 65536, true, 0), 4096, 0, 0, CAP_4MIB, CAP_4MIB).mtu());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UdpSettings.choose(new LinkInfo("lo", 65536, true, 0), 1500, 0, 0, CAP_4MIB, CAP_4MIB));
        assertTrue(e.getMessage().contains("multiple of 32") && e.getMessage().contains("1500"), e.getMessage());
        assertEquals(GBIT, UdpSettings.parseRate("1gbit"));
        assertEquals(400_000_000L, UdpSettings.parseRate("400mbit"));
        assertEquals(1_500_000_000L, UdpSettings.parseRate("1.5gbit"));
        assertEquals(0, UdpSettings.parseRate(null));
        assertEquals(2_000_000L, UdpSettings.parseDuration("2ms"));
        assertEquals(500_000L, UdpSettings.parseDuration("500us"));
        assertThrows(IllegalArgumentException.class, () -> UdpSettings.parseRate("fast"));
        assertThrows(IllegalArgumentException.class, () -> UdpSettings.parseDuration("-1ms"));
    }

    @Test
    void theRealLoopbackInterfaceIsFoundAndGetsTheLargestFrame() throws Exception {
        LinkInfo lo = LinkInfo.towards("127.0.0.1");
        assertTrue(lo.loopback(), lo.toString());
        NetworkInterface nic = NetworkInterface.getByInetAddress(InetAddress.getByName("127.0.0.1"));
        assertEquals(nic.getMTU(), lo.mtu());
        UdpSettings settings = UdpSettings.forHost("127.0.0.1");
        if (settings.warning() == null) {
            assertEquals(UdpSettings.mtuOf(lo), settings.mtu());
        } else {
            // The kernel's caps (e.g. a distribution's default 208 KiB) shrink the window, and the frame with it.
            assertTrue(2 * settings.mtu() <= settings.receiverWindow(), settings.toString());
        }
        assertTrue(settings.socketRcvbuf() <= LinkInfo.kernelLimit(UdpSettings.RMEM_MAX));
        if (new java.io.File(UdpSettings.RMEM_MAX).exists()) {
            // Read whole: a short read once gave 4 for 4194304 here.
            assertTrue(LinkInfo.kernelLimit(UdpSettings.RMEM_MAX) >= 4096, "rmem_max read as "
                    + LinkInfo.kernelLimit(UdpSettings.RMEM_MAX));
        }
        assertEquals(settings.mtuFor(4 << 20), Channels.udpMtu("127.0.0.1", 4 << 20));
    }

    @Test
    void aeronAcceptsTheChosenChannelsAndCarriesAMessageLargerThanAFrame() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        int termLength = 4 << 20;
        int mtu = Channels.udpMtu("127.0.0.1", termLength);
        try (AeronEndpoint endpoint = AeronEndpoint.start("test", null, termLength, 2);
             Subscription sub = endpoint.aeron().addSubscription(Channels.serverIngress("127.0.0.1", port, mtu), 7);
             Publication pub = endpoint.aeron().addPublication(
                     Channels.workerEgress("127.0.0.1", port, mtu, termLength), 7)) {
            UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(200_000));
            for (int i = 0; i < message.capacity(); i += 4) {
                message.putInt(i, i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long result;
            while ((result = pub.offer(message)) < 0) {
                assertTrue(System.nanoTime() < deadline, "offer did not succeed in 10 s: result=" + result);
                Thread.sleep(1);
            }
            AtomicInteger received = new AtomicInteger();
            io.aeron.FragmentAssembler assembler = new io.aeron.FragmentAssembler((buffer, offset, length, header) -> {
                assertEquals(200_000, length);
                assertEquals(199_996, buffer.getInt(offset + 199_996));
                received.incrementAndGet();
            });
            while (received.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "message not received in 10 s over " + sub.channel());
                if (sub.poll(assembler, 10) == 0) {
                    Thread.sleep(1);
                }
            }
        }
    }
}
