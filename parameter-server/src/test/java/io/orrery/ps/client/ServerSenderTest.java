package io.orrery.ps.client;

import io.orrery.ps.protocol.DropReason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's binding to its server's broadcast sender: open before the join, then only the joined sender. */
class ServerSenderTest {

    @Test
    void everythingPassesBeforeTheJoinThenOnlyTheBoundSessionAndSource() {
        ServerSender sender = new ServerSender();
        assertFalse(sender.bound());
        assertNull(sender.check(7, "127.0.0.1:40001"), "before the join the join's own checks apply");
        sender.bind(42, "127.0.0.1:40001");
        assertTrue(sender.bound());
        assertNull(sender.check(42, "127.0.0.1:40001"));
        assertEquals(DropReason.WRONG_SENDER, sender.check(43, "127.0.0.1:40001"), "another session, same socket");
        assertEquals(DropReason.WRONG_SENDER, sender.check(42, "127.0.0.1:50000"), "the session id copied, another socket");
        assertEquals(DropReason.WRONG_SENDER, sender.check(0, ""), "not through an Aeron image");
    }

    @Test
    void aSecondAcceptedAnswerDoesNotMoveTheBinding() {
        ServerSender sender = new ServerSender();
        sender.bind(42, "aeron:ipc");
        sender.bind(99, "aeron:ipc");
        assertNull(sender.check(42, "aeron:ipc"));
        assertEquals(DropReason.WRONG_SENDER, sender.check(99, "aeron:ipc"));
        assertEquals("session=42 source=aeron:ipc", sender.toString());
    }
}
